"""Hosts meet their site on whole labels only; the most specific domain names the site."""
from __future__ import annotations

from policy.engine.sitemap import SiteMap
from tests.support.policies import doc, site

SITES = [site("facebook", "facebook.com", bundle=["fbcdn.net"]),
         site("workplace", "work.facebook.com", category="internal-social", label="Workplace"),
         site("cdn", "cdn.example", bundle=["static.example"]),
         site("shared", "static.example"),
         site("router", "192.168.1.1")]
POLICY = doc(sites=SITES)
MAP = SiteMap(POLICY.sites, POLICY.categories, {"facebook": 0b01, "workplace": 0b10},
              {"vimeo.com": 0b100, "player.vimeo.com": 0b1000, "facebook.com": 0b10000})


def test_a_domain_matches_itself_and_its_subdomains_only():
    assert MAP.match("facebook.com").key == "facebook"
    assert MAP.match("a.b.facebook.com").key == "facebook"
    assert MAP.match("evilfacebook.com").site is None
    assert MAP.match("facebook.com.evil.example").site is None
    assert MAP.match("com").site is None


def test_the_most_specific_domain_names_the_site():
    match = MAP.match("x.work.facebook.com")
    assert (match.key, match.label, match.internal, match.category) == \
        ("workplace", "Workplace", True, "internal-social")
    assert match.mask == 0b10 | 0b10000          # the workplace rules, and the `domain:facebook.com` rules


def test_bundles_are_the_site_but_marked():
    match = MAP.match("scontent.fbcdn.net")
    assert (match.key, match.bundle, match.mask) == ("facebook", True, 0b01)
    assert MAP.match("static.example").key == "shared" and not MAP.match("static.example").bundle


def test_domain_entries_collect_every_suffix_and_name_the_most_specific():
    match = MAP.match("a.player.vimeo.com")
    assert (match.site, match.key, match.label, match.mask) == (None, "domain:player.vimeo.com",
                                                                 "a.player.vimeo.com", 0b1100)


def test_unknown_hosts_and_addresses():
    assert MAP.match("example.org").mask == 0 and MAP.match("example.org").key is None
    assert MAP.match("192.168.1.1").key == "router"
    assert MAP.match("10.0.0.1").site is None


def test_matches_are_remembered():
    assert MAP.match("m.facebook.com") is MAP.match("m.facebook.com")
