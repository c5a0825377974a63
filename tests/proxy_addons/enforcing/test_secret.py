import os
import stat

import pytest

from proxy_addons.enforcing.secret import SecretError, load_or_create_secret, secret_path


def test_a_secret_is_created_once_private_and_then_reused(tmp_path):
    path = secret_path("", str(tmp_path / "conf"))
    first = load_or_create_secret(path)
    assert len(first) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_secret(path) == first


def test_a_short_secret_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "secret"
    path.write_text("short\n")
    with pytest.raises(SecretError, match=r"secret:1:1: the warn-token secret is too short .* delete the file"):
        load_or_create_secret(path)
