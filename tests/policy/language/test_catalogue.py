"""Categories, sites (canonical domains, one owner per domain) and networks."""
from __future__ import annotations

from ipaddress import ip_network

import pytest

from policy.language.catalogue import canonical_domain
from policy.loading.problems import Invalid
from tests.support.rule_files import loaded, place, problems, with_header, write_rules


def test_domains_are_canonical_like_request_hosts(tmp_path):
    folder = write_rules(tmp_path, main=with_header("""
        categories: {c: {}}
        sites:
          s: {category: c, domains: [FaceBook.COM., "bücher.example", "fb.com:443", fb.com], bundle: [FBCDN.net]}
        """))
    site = loaded(folder).sites["s"]
    assert site.domains == ("facebook.com", "xn--bcher-kva.example", "fb.com")
    assert site.bundle == ("fbcdn.net",)
    assert (site.label, site.category) == ("s", "c")


@pytest.mark.parametrize("text, message, fix", [
    ("*.facebook.com", "'*.facebook.com' has a wildcard",
     "a domain already covers its subdomains; write 'facebook.com'"),
    ("https://www.facebook.com/home", "'https://www.facebook.com/home' is a URL, not a domain",
     "write the host name only: 'www.facebook.com'"),
    ("face book.com", "not a host name: 'face book.com' (label 'face book' has characters other than letters, "
                      "digits, '-' and '_')", "write a host name such as facebook.com")])
def test_bad_domains(text, message, fix):
    with pytest.raises(Invalid) as caught:
        canonical_domain(text)
    assert (caught.value.message, caught.value.fix) == (message, fix)


def test_site_problems_in_place(tmp_path):
    folder = write_rules(tmp_path, main=with_header("""
        categories: {social: {}}
        sites:
          facebook: {category: socail, domains: ["*.facebook.com", fb.com]}
          insta: {category: social, domains: [FB.com], bundle: [cdn.example, cdn.example]}
          twice: {category: social, domains: [twice.example], bundle: [twice.example]}
        """))
    main = folder / "main.yaml"
    assert problems(folder) == [
        f"{place(main, 'socail')}: site 'facebook' names unknown category 'socail'; did you mean 'social'?",
        f"{place(main, '"*.')}: '*.facebook.com' has a wildcard in site 'facebook'; "
        "a domain already covers its subdomains; write 'facebook.com'",
        f"{place(main, 'FB.com')}: domain 'fb.com' is already listed by site 'facebook' (at {place(main, 'fb.com')}); "
        "list each domain under one site only",
        f"{place(main, 'twice.example', 2)}: domain 'twice.example' is in both 'domains' and 'bundle' of site 'twice'; "
        "keep it in one of them"]


def test_labels_and_internal_categories(tmp_path):
    folder = write_rules(tmp_path, main=with_header("""
        categories: {community: {label: Our community, internal: true}, plain: {}}
        sites: {forum: {label: Company forum, category: community, domains: [forum.corp.example]}}
        """))
    doc = loaded(folder)
    assert (doc.categories["community"].label, doc.categories["community"].internal) == ("Our community", True)
    assert (doc.categories["plain"].label, doc.categories["plain"].internal) == ("plain", False)
    assert doc.sites["forum"].label == "Company forum"
    assert doc.sites["forum"].source.line == 5


def test_networks(tmp_path):
    folder = write_rules(tmp_path, main=with_header("""
        networks:
          guests: [10.20.0.0/16, "fd00:20::/48", 192.168.1.7]
          broken: [10.20.0.5/16, nonsense]
        """))
    main = folder / "main.yaml"
    assert problems(folder) == [
        f"{place(main, '10.20.0.5')}: invalid address range '10.20.0.5/16' in network 'broken'; "
        "did you mean '10.20.0.0/16'?",
        f"{place(main, 'nonsense')}: invalid address range 'nonsense' in network 'broken'; "
        "write an address range such as 10.20.0.0/16"]
    (main).write_text(main.read_text().replace("  broken: [10.20.0.5/16, nonsense]\n", ""))
    assert loaded(folder).networks["guests"].cidrs == (ip_network("10.20.0.0/16"), ip_network("fd00:20::/48"),
                                                       ip_network("192.168.1.7/32"))
