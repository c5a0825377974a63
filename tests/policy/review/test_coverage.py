"""When one rule's who or sites cover another's: the reasoning behind the shadowed-rule warning."""
from __future__ import annotations

import pytest

from policy.review.coverage import Coverage, under
from tests.support.rule_files import loaded, with_header, write_rules


@pytest.fixture
def cover(tmp_path) -> Coverage:
    folder = write_rules(tmp_path, main=with_header("""
        categories: {social: {}, other: {}}
        sites:
          facebook: {category: social, domains: [facebook.com, fb.com], bundle: [fbcdn.net]}
          linkedin: {category: social, domains: [linkedin.com]}
          fbbiz: {category: other, domains: [business.facebook.com]}
        groups:
          marketing: {members: [alice, bob]}
          staff: {include: [marketing], members: [dave]}
        networks:
          guest-wifi: [10.20.0.0/16]
          lab: [10.20.5.0/24]
        """))
    return Coverage(loaded(folder))


def test_under_means_whole_labels():
    assert under("m.facebook.com", "facebook.com") and under("facebook.com", "facebook.com")
    assert not under("evilfacebook.com", "facebook.com") and not under("facebook.com.evil", "facebook.com")


def test_who(cover):
    assert cover.who_covers((), ("user:x",)) and cover.who_covers(("everyone",), ())
    assert not cover.who_covers(("group:staff",), ())
    assert cover.who_covers(("group:staff",), ("user:alice", "user:dave", "group:marketing"))
    assert not cover.who_covers(("group:marketing",), ("user:dave",))
    assert not cover.who_covers(("group:staff",), ("anonymous",))
    assert cover.who_covers(("network:guest-wifi",), ("network:lab",))
    assert not cover.who_covers(("network:lab",), ("network:guest-wifi",))


def test_sites(cover):
    assert cover.sites_cover(("category:social",), ("facebook", "linkedin", "domain:m.facebook.com"))
    assert cover.sites_cover(("domain:facebook.com",), ("domain:m.facebook.com",))
    assert cover.sites_cover(("facebook", "linkedin"), ("category:social",))
    assert not cover.sites_cover(("facebook",), ("category:social",))
    # business.facebook.com belongs to its own site, so "facebook" does not decide all of facebook.com
    assert not cover.sites_cover(("facebook",), ("domain:facebook.com",))
    assert cover.sites_cover(("facebook", "fbbiz"), ("domain:facebook.com",))
    assert not cover.sites_cover(("category:social",), ("domain:vimeo.com",))
    assert cover.site_in("facebook", ("domain:facebook.com", "domain:fb.com", "domain:fbcdn.net"))
    assert not cover.site_in("facebook", ("domain:facebook.com",))
