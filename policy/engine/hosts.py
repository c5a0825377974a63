"""One canonical spelling per host, so that no disguise of a host name slips past a domain rule.

Browsers and resolvers accept many spellings of one host: `FaceBook.COM.`, `ｆａｃｅｂｏｏｋ。com`,
`%66acebook.com`, `user@facebook.com:443`, `0x7f.1`, `3232235777`, `::ffff:127.0.0.1`. The engine
and the loader both pass every host through `canonical_host`, so rules and requests meet on one form:
lower-case A-labels without a trailing dot, dotted-quad IPv4, compressed IPv6 without brackets.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from ipaddress import IPv4Address, IPv6Address
from urllib.parse import unquote

import idna

_WIDE_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_LABEL = re.compile(r"[a-z0-9_-]{1,63}")
# WHATWG URL: a host whose last label is a number is an IPv4 address (or garbage), never a name.
_NUMERIC = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)")
# The authority: after `scheme://` or `//`, else from the start; it ends at / ? # or \ (as browsers read \).
_authority = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:)?//([^/?#\\]*)|([^/?#\\]*)").match


def canonical_host(text: str) -> str:
    """The canonical form of a host as written (userinfo and port allowed); ValueError on garbage."""
    if not isinstance(text, str):
        raise ValueError(f"a host name must be text, not {type(text).__name__}")
    return _canonical(text)


def is_address(text: str | None) -> bool:
    """Whether a host as written is an IP address in any spelling (an address names no site)."""
    if not text:
        return False
    try:
        host = canonical_host(text)
    except ValueError:
        return False
    return ":" in host or _NUMERIC.fullmatch(host.rpartition(".")[2]) is not None


def host_of(url: str) -> str:
    """The canonical host of a URL (`https://x/...`, `//x/...` or a bare `x/...`); ValueError on garbage."""
    return _canonical(authority_of(url))


def authority_of(url: str) -> str:
    """The URL's authority as written (`user@host:port`), not yet checked or canonical."""
    try:
        found = _authority(url)
    except TypeError:
        raise ValueError(f"a URL must be text, not {type(url).__name__}") from None
    if found is None or found.lastindex is None:      # the pattern matches any text; never taken
        raise ValueError(f"not a URL: {url!r}")
    return found[found.lastindex]


@lru_cache(maxsize=16384)
def _canonical(text: str) -> str:
    host = _strip_authority(text.strip())
    if "%" in host:   # browsers percent-decode hosts: %66acebook.com is facebook.com
        try:
            host = unquote(host, errors="strict")
        except UnicodeDecodeError:
            raise ValueError(f"not a host name: {text!r} (percent-escapes that are not UTF-8)") from None
    host = host.translate(_WIDE_DOTS)
    if ":" in host:
        return _ipv6(host, text)
    if not host.isascii():
        try:
            host = idna.uts46_remap(host, std3_rules=False, transitional=False)
        except idna.IDNAError as exc:
            raise ValueError(f"not a host name: {text!r} ({exc})") from None
    host = host.lower()
    if host.endswith("."):
        host = host[:-1]
    if not host:
        raise ValueError(f"not a host name: {text!r} (it is empty)")
    labels = host.split(".")
    if _NUMERIC.fullmatch(labels[-1]):
        return _ipv4(labels, text)
    labels = [_a_label(label, text) for label in labels]
    name = ".".join(labels)
    if len(name) > 253:
        raise ValueError(f"not a host name: {text!r} (longer than 253 characters)")
    return name


def _strip_authority(text: str) -> str:
    """Drop `user:pass@` and `:port`; keep the brackets' content for IPv6 literals."""
    host = text.rpartition("@")[2]
    if host.startswith("["):
        inside, bracket, port = host[1:].partition("]")
        if not bracket or (port and not _is_port(port[1:] if port[0] == ":" else "x")):
            raise ValueError(f"not a host name: {text!r} (malformed [IPv6] address or port)")
        return inside
    if host.count(":") == 1:
        host, _, port = host.partition(":")
        if not _is_port(port):
            raise ValueError(f"not a host name: {text!r} (port {port!r} is not a number up to 65535)")
    return host


def _is_port(port: str) -> bool:
    return port == "" or (port.isdigit() and port.isascii() and int(port) <= 65535)


def _ipv6(host: str, text: str) -> str:
    try:
        address = IPv6Address(host.lower())
    except ValueError:
        raise ValueError(f"not a host name: {text!r} (not a valid IPv6 address)") from None
    mapped = address.ipv4_mapped
    return str(mapped) if mapped else address.compressed


def _ipv4(labels: list[str], text: str) -> str:
    """inet_aton's forms: 1–4 parts, each decimal, 0x-hex or 0-octal; the last fills the rest."""
    if len(labels) > 4:
        raise ValueError(f"not a host name: {text!r} (an IPv4 address has at most 4 parts)")
    try:
        parts = [_ipv4_part(label) for label in labels]
    except ValueError:
        raise ValueError(f"not a host name: {text!r} (ends in a number but is not an IPv4 address)") from None
    *leading, last = parts
    if any(part > 255 for part in leading) or last >= 256 ** (5 - len(parts)):
        raise ValueError(f"not a host name: {text!r} (IPv4 part out of range)")
    value = last
    for index, part in enumerate(leading):
        value += part << (8 * (3 - index))
    return str(IPv4Address(value))


def _ipv4_part(label: str) -> int:
    if label.startswith("0x"):
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        return int(label, 8)
    if not label.isdigit() or not label.isascii():
        raise ValueError(label)
    return int(label)


def _a_label(label: str, text: str) -> str:
    if not label.isascii():
        try:
            return idna.alabel(label).decode("ascii")
        except (idna.IDNAError, UnicodeError) as exc:
            raise ValueError(f"not a host name: {text!r} (label {label!r}: {exc})") from None
    if not _LABEL.fullmatch(label):
        raise ValueError(f"not a host name: {text!r} ({_label_fault(label)})")
    if label.startswith("xn--"):
        # Lenient on purpose (emoji domains are not IDNA 2008 yet they resolve): only punycode that
        # decodes to printable non-ASCII text is a real A-label.
        try:
            decoded = label[4:].encode("ascii").decode("punycode")
        except UnicodeError:
            decoded = ""
        if decoded.isascii() or any(unicodedata.category(char)[0] in "CZ" for char in decoded):
            raise ValueError(f"not a host name: {text!r} (label {label!r} is not valid punycode)") from None
    return label


def _label_fault(label: str) -> str:
    if not label:
        return "an empty label: two dots in a row, or a leading dot"
    if len(label) > 63:
        return f"label {label[:20]!r}… is longer than 63 characters"
    return f"label {label!r} has characters other than letters, digits, '-' and '_'"
