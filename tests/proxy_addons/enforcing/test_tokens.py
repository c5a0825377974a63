from datetime import datetime, timedelta, timezone

import pytest

from proxy_addons.enforcing.tokens import LIFETIME, TokenRefused, TokenSigner

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def signer() -> TokenSigner:
    return TokenSigner(b"x" * 64)


def test_a_fresh_token_is_honoured_once(signer):
    token = signer.issue("user:alice", "youtube", "youtube-nudge", NOW)
    redeemed = signer.redeem(token, "user:alice", "youtube", "youtube-nudge", NOW + timedelta(minutes=1))
    assert (redeemed.site, redeemed.rule) == ("youtube", "youtube-nudge")
    with pytest.raises(TokenRefused, match="already been used"):
        signer.redeem(token, "user:alice", "youtube", "youtube-nudge", NOW + timedelta(minutes=2))


@pytest.mark.parametrize("identity, site, rule, at, why", [
    ("user:bob", "youtube", "youtube-nudge", NOW, "someone else"),
    ("user:alice", "vimeo", "youtube-nudge", NOW, "another site"),
    ("user:alice", "youtube", "other-rule", NOW, "rules changed"),
    ("user:alice", "youtube", "youtube-nudge", NOW + LIFETIME + timedelta(seconds=1), "expired"),
])
def test_tokens_for_another_user_site_rule_or_time_are_refused(signer, identity, site, rule, at, why):
    token = signer.issue("user:alice", "youtube", "youtube-nudge", NOW)
    with pytest.raises(TokenRefused, match=why):
        signer.redeem(token, identity, site, rule, at)


def test_an_altered_token_is_refused(signer):
    token = signer.issue("user:alice", "youtube", "youtube-nudge", NOW)
    body, mac = token.split(".")
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    for forged in (f"{flipped}.{mac}", f"{body}.{mac[:-1]}", "garbage", "", f"{body}."):
        with pytest.raises(TokenRefused, match="not valid"):
            signer.redeem(forged, "user:alice", "youtube", "youtube-nudge", NOW)


def test_a_token_signed_by_another_installation_is_refused(signer):
    token = TokenSigner(b"y" * 64).issue("user:alice", "youtube", "youtube-nudge", NOW)
    with pytest.raises(TokenRefused, match="not valid"):
        signer.redeem(token, "user:alice", "youtube", "youtube-nudge", NOW)
