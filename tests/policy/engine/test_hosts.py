"""Every spelling of a host meets its one canonical form; garbage is refused with a sentence."""
from __future__ import annotations

import ipaddress
import re

import pytest
from hypothesis import given, strategies as st

from policy.engine.hosts import canonical_host, host_of, is_address


@pytest.mark.parametrize("written, canonical", [
    ("facebook.com", "facebook.com"),
    ("FaceBook.COM", "facebook.com"),
    ("facebook.com.", "facebook.com"),
    ("ｆａｃｅｂｏｏｋ。com", "facebook.com"),            # full-width letters and ideographic full stop
    ("facebook．com", "facebook.com"),                  # full-width full stop
    ("facebook｡com", "facebook.com"),                   # half-width ideographic full stop
    ("%66acebook.com", "facebook.com"),                 # percent-escaped, as browsers decode it
    ("user:secret@facebook.com:443", "facebook.com"),
    ("facebook.com:", "facebook.com"),
    ("Bücher.DE", "xn--bcher-kva.de"),
    ("xn--bcher-kva.de", "xn--bcher-kva.de"),
    ("例え.テスト", "xn--r8jz45g.xn--zckzah"),
    ("_dmarc.example.com", "_dmarc.example.com"),
    ("localhost", "localhost"),
    ("127.0.0.1", "127.0.0.1"),
    ("3232235777", "192.168.1.1"),                      # one decimal number
    ("0xC0A80101", "192.168.1.1"),                      # one hex number
    ("0x7f.1", "127.0.0.1"),                            # hex, short form
    ("0177.0.0.1", "127.0.0.1"),                        # octal
    ("127.1", "127.0.0.1"),                             # short form: the last part fills the rest
    ("192.168.257", "192.168.1.1"),
    ("0x7f.0.0.0x1.", "127.0.0.1"),
    ("::ffff:127.0.0.1", "127.0.0.1"),                  # IPv4-mapped IPv6
    ("[::FFFF:7f00:1]:8080", "127.0.0.1"),
    ("[2001:DB8:0:0::1]", "2001:db8::1"),
    ("2001:db8::0:1", "2001:db8::1"),
])
def test_canonical_forms(written, canonical):
    assert canonical_host(written) == canonical


@pytest.mark.parametrize("url, host", [
    ("https://www.facebook.com/some/page?q=1#top", "www.facebook.com"),
    ("http://3232235777/", "192.168.1.1"),
    ("http://0x7f.1:8080/x", "127.0.0.1"),
    ("https://facebook.com@evil.example/", "evil.example"),       # userinfo is not the host
    ("https://evil.example\\@facebook.com/", "evil.example"),     # browsers read \ as /
    ("https://[::ffff:10.0.0.1]/", "10.0.0.1"),
    ("//cdn.example.com/a.js", "cdn.example.com"),
    ("facebook.com/path", "facebook.com"),
    ("HTTPS://WWW.Facebook.Com.:443", "www.facebook.com"),
])
def test_host_of_url(url, host):
    assert host_of(url) == host


@pytest.mark.parametrize("garbage, fault", [
    ("", "it is empty"),
    (".", "it is empty"),
    ("a..b", "an empty label"),
    ("a b.com", "label 'a b' has characters other than"),
    ("*.facebook.com", "label '*' has characters other than"),
    ("a" * 64 + ".com", "is longer than 63 characters"),
    ("1.2.3.999", "IPv4 part out of range"),
    ("256.1.1.1", "IPv4 part out of range"),
    ("4294967296", "IPv4 part out of range"),
    ("1.2.3.4.5", "at most 4 parts"),
    ("foo.123", "ends in a number but is not an IPv4 address"),
    ("08.0.0.1", "ends in a number but is not an IPv4 address"),
    ("host:99999", "port '99999' is not a number"),
    ("host:http", "port 'http' is not a number"),
    ("[::1", "malformed [IPv6] address"),
    ("::g", "not a valid IPv6 address"),
    ("%ff.com", "percent-escapes that are not UTF-8"),
    ("xn--a.com", "not valid punycode"),
])
def test_garbage_is_refused_with_a_reason(garbage, fault):
    with pytest.raises(ValueError) as raised:
        canonical_host(garbage)
    assert str(raised.value).startswith(f"not a host name: {garbage!r} (")
    assert fault in str(raised.value)


def test_non_text_is_refused():
    with pytest.raises(ValueError, match="must be text"):
        canonical_host(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be text"):
        host_of(b"http://x/")  # type: ignore[arg-type]


label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
# A last label that is a number ("80", or hex "0x1f", even a bare "0x") makes the whole host an IPv4 address.
domain = st.lists(label, min_size=1, max_size=5).map(".".join).filter(
    lambda d: not re.fullmatch(r"0x[0-9a-f]*|[0-9]+", d.split(".")[-1]))


@given(domain, st.booleans(), st.booleans(), st.integers(0, 65535) | st.none(), st.booleans())
def test_disguises_of_a_domain_meet_its_canonical_form(name, upper, dot, port, userinfo):
    written = name.upper() if upper else name
    written += "." if dot else ""
    written += f":{port}" if port is not None else ""
    written = ("someone:pw@" if userinfo else "") + written
    assert canonical_host(written) == name
    assert host_of(f"https://{written}/path?x=1") == name


@given(st.integers(0, 2**32 - 1))
def test_every_ipv4_spelling_meets_dotted_quad(value):
    dotted = str(ipaddress.IPv4Address(value))
    a, b, c, d = (int(part) for part in dotted.split("."))
    spellings = [str(value), hex(value), f"{a}.{b}.{c}.{d}", f"0{a:o}.0x{b:x}.{c}.{d}",
                 f"{a}.{b}.{(c << 8) + d}", f"{a}.{(b << 16) + (c << 8) + d}", f"::ffff:{dotted}"]
    for spelling in spellings:
        assert canonical_host(spelling) == dotted, spelling


@given(st.ip_addresses(v=6))
def test_ipv6_is_compressed_without_brackets(address):
    expected = str(address.ipv4_mapped) if address.ipv4_mapped else address.compressed
    assert canonical_host(f"[{address.exploded.upper()}]:443") == expected
    assert canonical_host(expected) == expected


@given(st.text(max_size=30))
def test_canonical_form_is_stable_or_refused(text):
    try:
        once = canonical_host(text)
    except ValueError:
        return
    assert canonical_host(once) == once
    assert once == once.lower() and once.isascii() and not once.endswith(".")


@pytest.mark.parametrize("text, address", [
    ("157.240.1.35", True), ("[::1]:443", True), ("2001:db8::1", True), ("2130706433", True), ("0x7f.1", True),
    ("127.0.0.1:8443", True), ("www.facebook.com", False), ("", False), (None, False), ("exa mple.com", False),
    ("1.2.3.999", False),
])
def test_is_address_knows_every_spelling_of_an_ip_and_nothing_else(text, address):
    assert is_address(text) is address
