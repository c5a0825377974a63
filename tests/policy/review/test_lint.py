"""Warnings: shadowed rules, unused names, sites without domains, the community blocked for everyone."""
from __future__ import annotations

from tests.support.rule_files import CATALOGUE, place, warnings, with_header, write_rules


def lint(tmp_path, rules: str, extra: str = "") -> tuple[list[str], object]:
    folder = write_rules(tmp_path, main=with_header(CATALOGUE + extra + rules))
    return warnings(folder), folder / "main.yaml"


USE_ALL = """
  - {name: use-all, who: [group:staff, network:guest-wifi], sites: [category:social], when: [lunch], action: allow}
"""


def test_a_clean_policy_has_no_warnings(tmp_path):
    found, _ = lint(tmp_path, "rules:" + USE_ALL)
    assert found == []


def test_a_rule_after_a_broader_unconditional_one_is_shadowed(tmp_path):
    found, main = lint(tmp_path, "rules:" + USE_ALL + """
  - {name: everyone-social, sites: [category:social], action: block}
  - {name: alice-facebook, who: [user:alice], sites: [facebook, domain:m.facebook.com], action: allow}
  - {name: lunch-only, sites: [linkedin], when: [lunch], action: allow}
""")
    assert found == [
        f"{place(main, '{name: alice')}: warning: rule 'alice-facebook' can never match: rule 'everyone-social' "
        f"(at {place(main, '{name: every')}) comes first and matches all it would; "
        "move it above 'everyone-social', or narrow 'everyone-social' with who, sites, when or except",
        f"{place(main, '{name: lunch')}: warning: rule 'lunch-only' can never match: rule 'everyone-social' "
        f"(at {place(main, '{name: every')}) comes first and matches all it would; "
        "move it above 'everyone-social', or narrow 'everyone-social' with who, sites, when or except"]


def test_conditional_or_narrower_earlier_rules_do_not_shadow(tmp_path):
    found, _ = lint(tmp_path, "rules:" + USE_ALL + """
  - {name: marketing-fb, who: [group:marketing], sites: [facebook], action: block}
  - {name: staff-fb, who: [group:staff], sites: [facebook], action: warn}
  - {name: fb-except-lunch, sites: [facebook], except: [lunch], action: block}
  - {name: other-domain, sites: [domain:facebook.com.evil.example], action: block}
  - {name: all-facebook, sites: [facebook, domain:vimeo.com], action: allow}
""")
    assert found == []


def test_group_members_and_includes_are_covered(tmp_path):
    found, _ = lint(tmp_path, "rules:" + USE_ALL + """
  - {name: staff-li, who: [group:staff], sites: [linkedin], action: block}
  - {name: bob-li, who: [user:bob, group:marketing], sites: [domain:www.linkedin.com], action: allow}
""")
    assert [w.split(": warning: ")[1].split(":")[0] for w in found] == ["rule 'bob-li' can never match"]


def test_unused_names_and_empty_sites(tmp_path):
    found, main = lint(tmp_path, "rules:\n  - {name: only, sites: [facebook], action: allow}\n")
    assert found == [
        f"{place(main, 'linkedin:')}: warning: site 'linkedin' is not used by any rule; "
        "name it or its category in a rule's sites, or remove it",
        f"{place(main, 'marketing:')}: warning: group 'marketing' is not used by any rule; "
        "use it in a rule's who as group:marketing, or remove it",
        f"{place(main, 'staff:')}: warning: group 'staff' is not used by any rule; "
        "use it in a rule's who as group:staff, or remove it",
        f"{place(main, 'guest-wifi:')}: warning: network 'guest-wifi' is not used by any rule; "
        "use it in a rule's who as network:guest-wifi, or remove it",
        f"{place(main, 'lunch:')}: warning: schedule 'lunch' is not used by any rule; "
        "use it in a rule's when or except, or remove it"]


def test_a_site_without_domains(tmp_path):
    _, main = lint(tmp_path, "rules:" + USE_ALL)
    folder = main.parent
    main.write_text(main.read_text().replace("linkedin: {category: social, domains: [linkedin.com]}",
                                             "linkedin: {category: social}"))
    assert warnings(folder) == [f"{place(main, 'linkedin:')}: warning: site 'linkedin' has no domains, "
                                "so no request can match it; add 'domains: [example.com]'"]


def test_internal_community_blocked_for_everyone(tmp_path):
    found, main = lint(tmp_path, "rules:" + USE_ALL + """
  - {name: nothing-else, sites: [category:social, category:community], action: block}
""")
    assert found == [f"{place(main, '{name: nothing')}: warning: rule 'nothing-else' blocks internal community "
                     "site 'forum' for everyone; allow 'forum' in an earlier rule, or narrow 'nothing-else'"]


def test_internal_community_blocked_by_the_default(tmp_path):
    found, main = lint(tmp_path, "default: block\nrules:" + USE_ALL)
    assert found == [f"{place(main, 'forum:')}: warning: internal community site 'forum' is blocked for everyone "
                     "by 'default: block'; add a rule that allows 'forum'"]


def test_community_open_to_someone_first_is_fine(tmp_path):
    found, _ = lint(tmp_path, "rules:" + USE_ALL + """
  - {name: staff-forum, who: [group:staff], sites: [forum], action: allow}
  - {name: nothing-else, sites: [category:community], action: block}
""")
    assert found == []
