"""Rules reload: validate, then swap; a broken or deleted folder keeps the last good policy."""
from __future__ import annotations

import shutil

import pytest

from proxy_addons.rules_watch import PolicyHolder, fingerprint
from tests.support.net import poll
from tests.support.proxy_clients import http_via_proxy
from tests.support.proxy_env import TEST_RULES, write_rules


def get(env, host: str) -> int:
    return http_via_proxy(env.port, f"GET http://{host}/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                          .encode()).status


def test_a_bad_folder_at_start_is_an_error_with_file_and_line(tmp_path):
    folder = write_rules(tmp_path / "rules", "version: 1\ntimezone: Europe/Berlin\nrules: [\n")
    holder = PolicyHolder()
    with pytest.raises(Exception) as error:
        holder.load_now(str(folder))
    assert holder.policy is None
    assert f"{folder / 'policy.yaml'}:" in str(error.value)


def test_a_later_bad_load_of_the_same_folder_keeps_the_last_good_policy(tmp_path):
    folder = write_rules(tmp_path / "rules")
    first = PolicyHolder()
    first.load_now(str(folder))
    assert first.policy is not None and first.files == 1
    (folder / "policy.yaml").write_text("version: [\n")
    second = PolicyHolder()          # e.g. the script reloaded while the file was broken
    second.load_now(str(folder))
    assert second.policy is first.policy and second.last_error


def test_the_fingerprint_sees_saves_additions_and_a_missing_folder(tmp_path):
    folder = write_rules(tmp_path / "rules")
    before = fingerprint(str(folder))
    (folder / "extra.yaml").write_text("# nothing yet\n")
    assert fingerprint(str(folder)) != before
    (folder / "notes.txt").write_text("not a policy file")
    assert len(fingerprint(str(folder))) == 2
    assert fingerprint(str(tmp_path / "gone")) is None


@pytest.mark.e2e
def test_a_broken_file_keeps_the_last_good_policy_and_a_fix_applies_within_two_seconds(env):
    policy_file = env.rules / "policy.yaml"
    assert get(env, "www.facebook.com") == 403
    offset = len(env.proxy.log())
    policy_file.write_text(TEST_RULES + "  - name: broken\n    sites: [facebook\n")
    log = env.proxy.wait_for_log("rules not reloaded, keeping the last good policy", after=offset)
    assert f"{policy_file}:" in log[offset:]                  # the error names the file and line
    assert get(env, "www.facebook.com") == 403
    assert get(env, "www.example.org") == 200

    policy_file.write_text(TEST_RULES.replace("    action: block\n    message: Facebook", "    action: allow\n"
                                              "    message: Facebook"))
    poll(lambda: get(env, "www.facebook.com") == 200, timeout=3, interval=0.1,
         what="the fixed rules to take effect")


@pytest.mark.e2e
def test_a_deleted_rules_folder_keeps_the_last_good_policy(env):
    status = get(env, "www.linkedin.com")
    offset = len(env.proxy.log())
    shutil.rmtree(env.rules)
    env.proxy.wait_for_log("is gone; keeping the last good policy", after=offset)
    assert get(env, "www.linkedin.com") == status
    assert get(env, "www.youtube.com") == 403                 # still warned


def test_one_rules_file_is_watched_too(tmp_path):
    file = write_rules(tmp_path / "rules") / "policy.yaml"
    before = fingerprint(str(file))
    assert before and before[0][0] == "policy.yaml"
    file.write_text(file.read_text() + "\n# edited\n")
    assert fingerprint(str(file)) != before
