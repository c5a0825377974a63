"""Signed, single-use tokens for the warn page's Continue button.

A token binds who may continue (the identity), on which site, under which rule, until when, and a
random nonce; it is signed with HMAC-SHA256 and the installation's secret. A token is honoured once:
its nonce is remembered until it expires, so a replayed form post is refused.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

LIFETIME = timedelta(minutes=10)   # time to read the warn page and decide


class TokenRefused(ValueError):
    """Why a token is not honoured, in words for the employee."""


@dataclass(frozen=True)
class WarnToken:
    identity: str
    site: str
    rule: str
    expires: int                   # Unix seconds
    nonce: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        self._used: dict[str, int] = {}     # nonce -> expiry, forgotten once expired

    def issue(self, identity: str, site: str, rule: str, now: datetime) -> str:
        token = WarnToken(identity, site, rule, int((now + LIFETIME).timestamp()), secrets.token_hex(16))
        body = _b64(json.dumps(token.__dict__, separators=(",", ":")).encode())
        return f"{body}.{self._mac(body)}"

    def redeem(self, text: str, identity: str, site: str, rule: str | None, now: datetime) -> WarnToken:
        """The token, if it is genuine, fresh, unused and for this identity, site and rule; else TokenRefused."""
        token = self._verify(text)
        stamp = int(now.timestamp())
        self._used = {nonce: until for nonce, until in self._used.items() if until >= stamp}
        if token.expires < stamp:
            raise TokenRefused("This Continue button has expired. Open the page again to get a fresh one.")
        if token.identity != identity:
            raise TokenRefused("This Continue button was issued to someone else.")
        if token.site != site:
            raise TokenRefused("This Continue button is for another site.")
        if token.rule != rule:
            raise TokenRefused("The rules changed since this page was shown. Open the page again.")
        if token.nonce in self._used:
            raise TokenRefused("This Continue button has already been used.")
        self._used[token.nonce] = token.expires
        return token

    def mark_used(self, nonce: str, expires: int) -> None:
        """A token redeemed elsewhere (another worker of this node): honoured no more here either."""
        if nonce:
            self._used[nonce] = max(expires, self._used.get(nonce, 0))

    def _verify(self, text: str) -> WarnToken:
        body, _, mac = text.partition(".")
        if not body or not hmac.compare_digest(mac.encode(), self._mac(body).encode()):
            raise TokenRefused("This Continue button is not valid (it was altered or comes from elsewhere).")
        try:
            fields = json.loads(_unb64(body))
            return WarnToken(str(fields["identity"]), str(fields["site"]), str(fields["rule"]),
                             int(fields["expires"]), str(fields["nonce"]))
        except (ValueError, KeyError, TypeError):
            raise TokenRefused("This Continue button is not valid.") from None

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._secret, body.encode("ascii", "replace"), hashlib.sha256).digest())
