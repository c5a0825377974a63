"""References in rules: who, sites, when and except, with the closest name or the missing prefix suggested."""
from __future__ import annotations

import pytest

from policy.language.references import Names, site, who
from policy.loading.problems import Invalid
from tests.support.rule_files import CATALOGUE, place, problems, with_header, write_rules


def policy_with(tmp_path, rules: str):
    return write_rules(tmp_path, main=with_header(CATALOGUE + rules))


def test_unknown_references_suggest_the_closest_name(tmp_path):
    folder = policy_with(tmp_path, """
rules:
  - name: r
    who: [usr:alice, marketing, group:markting, network:guest, everone, "user:"]
    sites: [facebok, category:socal, social, cat:x, x.com, domain:bad_host!]
    when: [lnch]
    except: [nothing]
    action: allow
""")
    main = folder / "main.yaml"
    assert problems(folder) == [
        f"{place(main, 'usr:')}: unknown kind 'usr' in who entry 'usr:alice' in rule 'r'; did you mean 'user:alice'?",
        f"{place(main, 'marketing,')}: who entry 'marketing' needs a kind in rule 'r'; write 'group:marketing'",
        f"{place(main, 'group:markting')}: unknown group 'markting' in rule 'r'; did you mean 'marketing'?",
        f"{place(main, 'network:guest,')}: unknown network 'guest' in rule 'r'; did you mean 'guest-wifi'?",
        f"{place(main, 'everone')}: unknown who entry 'everone' in rule 'r'; did you mean 'everyone'?",
        f"{place(main, '\"user:')}: who entry 'user:' names nobody in rule 'r'; write 'user:NAME'",
        f"{place(main, 'facebok')}: unknown site 'facebok' in rule 'r'; did you mean 'facebook'?",
        f"{place(main, 'category:socal')}: unknown category 'socal' in rule 'r'; did you mean 'social'?",
        f"{place(main, 'social, cat')}: 'social' is a category, not a site in rule 'r'; write 'category:social'",
        f"{place(main, 'cat:x')}: unknown kind 'cat' in sites entry 'cat:x' in rule 'r'; "
        "use a site name, category:NAME or domain:DOMAIN",
        f"{place(main, 'x.com')}: unknown site 'x.com' in rule 'r'; write 'domain:x.com' for a domain",
        f"{place(main, 'domain:bad')}: not a host name: 'bad_host!' (label 'bad_host!' has characters other than "
        "letters, digits, '-' and '_') in rule 'r'; write a host name such as facebook.com",
        f"{place(main, 'lnch')}: unknown schedule 'lnch' in rule 'r'; did you mean 'lunch'?",
        f"{place(main, 'nothing')}: unknown schedule 'nothing' in rule 'r'; define it under 'schedules:'"]


NAMES = Names(sites={"facebook": 1}, categories={"social": 1}, groups={"staff": 1}, networks={"lab": 1},
              schedules={"lunch": 1})


def test_normal_forms():
    assert [who(t, NAMES) for t in ("everyone", "anonymous", "user:ann", "group:staff", "network:lab")] == [
        "everyone", "anonymous", "user:ann", "group:staff", "network:lab"]
    assert [site(t, NAMES) for t in ("facebook", "category:social", "domain:WWW.Example.COM.")] == [
        "facebook", "category:social", "domain:www.example.com"]


@pytest.mark.parametrize("text, message, fix", [
    ("staff", "who entry 'staff' needs a kind", "write 'group:staff'"),
    ("bob", "who entry 'bob' needs a kind",
     "write 'user:bob', 'group:NAME', 'network:NAME', 'anonymous' or 'everyone'"),
    ("grop:staff", "unknown kind 'grop' in who entry 'grop:staff'", "did you mean 'group:staff'?")])
def test_who_mistakes(text, message, fix):
    with pytest.raises(Invalid) as caught:
        who(text, NAMES)
    assert (caught.value.message, caught.value.fix) == (message, fix)
