"""Rules reload: validate, then swap; a broken or deleted folder, a file caught half written, and rules
that lost a file or entries without `confirm-removal` keep the last good policy."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from proxy_addons.rules.settle import fingerprint, settled_now
from proxy_addons.rules.watch import PolicyHolder
from tests.support.net import poll
from tests.support.proxy_clients import http_via_proxy
from tests.support.proxy_env import FACEBOOK_ALLOWED, TEST_RULES, start_env, write_rules
from tests.support.proxy_process import ProxyProcess

# The test policy split as docs/policy.md shows: `version` and the catalogue in one file, the rules in another.
CATALOGUE_PART, RULES_PART = TEST_RULES.split("rules:\n", 1)
RULES_PART = "rules:\n" + RULES_PART
CUT = "  - name: no-facebook-at-work"          # a valid prefix of the rules ends just before this rule


def start_split(tmp_path):
    """A proxy on a folder of two files: policy.yaml (version, catalogue) and rules.yaml (the rules)."""
    write_rules(tmp_path / "rules", "")
    (tmp_path / "rules" / "rules.yaml").write_text(RULES_PART)
    return start_env(tmp_path, rules=CATALOGUE_PART)


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
    second = PolicyHolder()          # e.g. the script reloaded while the file was being written
    second.load_now(str(folder))
    assert second.policy is first.policy and not second.last_error     # not read yet: left to the watcher
    poll(lambda: settled_now(str(folder)), timeout=5, what="the file to be left alone for two seconds")
    third = PolicyHolder()           # the script reloaded while the file was broken
    third.load_now(str(folder))
    assert third.policy is first.policy and f"{folder / 'policy.yaml'}:2:1: YAML syntax error" in third.last_error[0]


@pytest.mark.e2e
def test_a_broken_file_keeps_the_last_good_policy_and_a_fix_applies_within_seconds(env):
    policy_file = env.rules / "policy.yaml"
    assert get(env, "www.facebook.com") == 403
    offset = len(env.proxy.log())
    policy_file.write_text(TEST_RULES + "  - name: broken\n    sites: [facebook\n")
    log = env.proxy.wait_for_log("rules not reloaded, keeping the last good policy", after=offset)
    assert f"{policy_file}:" in log[offset:]                  # the error names the file and line
    assert get(env, "www.facebook.com") == 403
    assert get(env, "www.example.org") == 200

    policy_file.write_text(FACEBOOK_ALLOWED)
    poll(lambda: get(env, "www.facebook.com") == 200, timeout=6, interval=0.1,
         what="the fixed rules to take effect (once left alone for two seconds)")


@pytest.mark.e2e
def test_a_deleted_rules_folder_keeps_the_last_good_policy(env):
    status = get(env, "www.linkedin.com")
    offset = len(env.proxy.log())
    shutil.rmtree(env.rules)
    env.proxy.wait_for_log("is gone; keeping the last good policy", after=offset)
    assert get(env, "www.linkedin.com") == status
    assert get(env, "www.youtube.com") == 403                 # still warned


@pytest.mark.e2e
@pytest.mark.parametrize("program", ["mitmdump", "watercooler"])
def test_a_file_caught_half_written_is_never_enforced(tmp_path, program):
    # Everything not named is blocked; a prefix without the last line would allow it, losing no name.
    env = start_env(tmp_path, rules=TEST_RULES.replace("default: allow", "default: block"), program=program)
    try:
        policy_file = env.rules / "policy.yaml"
        whole = policy_file.read_text()
        assert get(env, "www.example.org") == 403
        env.http_origin.clear()
        offset = len(env.proxy.log())
        with policy_file.open("w") as stream:          # written in two steps, as editors and copies do
            stream.write(whole.split("default: block")[0])
            stream.flush()
            env.proxy.wait_for_log("changed; reading them once they have been left alone for 2 s", after=offset)
            statuses = [get(env, "www.example.org") for _ in range(3)]   # few: the second step must come soon
            stream.write("default: block\n")
        env.proxy.wait_for_log("rules reloaded from", after=offset)
        statuses += [get(env, "www.example.org") for _ in range(5)]
        assert statuses == [403] * 8
        assert env.http_origin.seen_for("www.example.org") == []
        assert "keeping the last good policy" not in env.proxy.log()[offset:]
    finally:
        env.stop()


@pytest.mark.e2e
def test_a_rules_file_cut_short_for_longer_is_refused_as_lost_rules(tmp_path):
    env = start_split(tmp_path)
    try:
        rules = env.rules / "rules.yaml"
        assert get(env, "www.facebook.com") == 403
        env.http_origin.clear()
        offset = len(env.proxy.log())
        with rules.open("w") as stream:
            stream.write(RULES_PART.split(CUT)[0])
            stream.flush()
            log = env.proxy.wait_for_log("rules not reloaded, keeping the last good policy", after=offset)
            assert f"{rules}: lost 5 entries that the policy in force has: setting:default, " \
                   "rule:no-facebook-at-work, rule:linkedin-read-only" in log[offset:]
            assert "restore them, or confirm with 'confirm-removal: [setting:default, rule:no-facebook-at-work" \
                   in log[offset:]
            statuses = [get(env, "www.facebook.com") for _ in range(20)]
            stream.write(CUT + RULES_PART.split(CUT)[1])
        env.proxy.wait_for_log("rules reloaded from", after=offset)
        assert statuses + [get(env, "www.facebook.com")] == [403] * 21
        assert env.http_origin.seen_for("www.facebook.com") == []
    finally:
        env.stop()


@pytest.mark.e2e
def test_a_deleted_or_emptied_rules_file_keeps_the_last_good_policy_until_confirmed(tmp_path):
    env = start_split(tmp_path)
    try:
        rules = env.rules / "rules.yaml"
        env.http_origin.clear()
        offset = len(env.proxy.log())
        rules.unlink()
        log = env.proxy.wait_for_log("rules not reloaded, keeping the last good policy", after=offset)[offset:]
        assert f"{rules}: is gone; it held 8 entries: setting:default, rule:community-always-open" in log
        assert "restore it, or confirm with 'confirm-removal: [file:rules.yaml]' in another file" in log
        assert f"{env.rules}: no file has a 'rules:' list, so only the default would apply" in log
        assert [get(env, "www.facebook.com") for _ in range(100)] == [403] * 100
        assert env.http_origin.seen_for("www.facebook.com") == []

        rules.write_text(RULES_PART)
        offset = len(env.proxy.log())
        env.proxy.wait_for_log("rules reloaded from", after=offset)
        rules.write_text("")
        log = env.proxy.wait_for_log("rules not reloaded, keeping the last good policy", after=offset)[offset:]
        assert f"{rules}: lost 8 entries that the policy in force has" in log
        assert [get(env, "www.facebook.com") for _ in range(20)] == [403] * 20
        assert env.http_origin.seen_for("www.facebook.com") == []

        offset = len(env.proxy.log())
        rules.write_text("confirm-removal: [file:rules.yaml]\nrules: []\n")     # the admin means it
        log = env.proxy.wait_for_log("rules reloaded from", after=offset)[offset:]
        assert f"rules in {env.rules}: removal of setting:default, rule:community-always-open" in log
        assert f"accepted (confirm-removal at {rules}:1:1)" in log
        assert get(env, "www.facebook.com") == 200
    finally:
        env.stop()


@pytest.mark.e2e
def test_a_start_without_the_rules_or_with_rules_lost_since_the_last_run_is_refused(tmp_path):
    folder = write_rules(tmp_path / "rules", CATALOGUE_PART)
    with pytest.raises(AssertionError, match="mitmdump exited") as refused:
        ProxyProcess(tmp_path, {"watercooler_rules": str(folder)})
    assert f"{folder}: no file has a 'rules:' list, so only the default would apply" in str(refused.value)

    (folder / "rules.yaml").write_text(RULES_PART)
    ProxyProcess(tmp_path, {"watercooler_rules": str(folder)}).stop()      # records the last good policy
    (folder / "rules.yaml").write_text(RULES_PART.split("  - name: reddit-budget")[0] + "default: allow\n")
    with pytest.raises(AssertionError, match="mitmdump exited") as refused:
        ProxyProcess(tmp_path, {"watercooler_rules": str(folder)})
    assert f"{folder / 'rules.yaml'}: lost 1 entry that the policy in force has: rule:reddit-budget" \
           in str(refused.value)

    (folder / "rules.yaml").write_text("confirm-removal: [rule:reddit-budget]\n" + (folder / "rules.yaml").read_text())
    started = ProxyProcess(tmp_path, {"watercooler_rules": str(folder)})
    try:
        assert "removal of rule:reddit-budget accepted" in started.log()
    finally:
        started.stop()


def test_every_new_enforced_policy_is_announced_once(tmp_path):
    import asyncio
    from datetime import datetime, timezone

    from policy.changes.overrides import Grant

    swapped = []
    holder = PolicyHolder(on_swap=swapped.append)
    folder = write_rules(tmp_path / "rules")
    holder.load_now(str(folder))
    assert swapped == [holder.policy]
    grant = Grant("alice", "facebook", datetime(2026, 11, 26, 11, 0, tzinfo=timezone.utc))
    asyncio.run(holder.set_overrides((), (grant,)))              # a manager's grant, read from the database
    asyncio.run(holder.set_overrides((), (grant,)))              # read again, unchanged: nothing new
    assert swapped[1:] == [holder.policy] and holder.policy.grants == (grant,)
    (folder / "policy.yaml").write_text("version: [\n")            # a broken save changes nothing enforced
    asyncio.run(holder._reload(fingerprint(str(folder))))        # as the watcher does once the files settle
    assert len(swapped) == 2
    (folder / "policy.yaml").write_text(TEST_RULES + "\n# saved again\n")
    asyncio.run(holder._reload(fingerprint(str(folder))))
    assert len(swapped) == 3 and swapped[-1] is holder.policy


def test_files_that_change_while_being_read_are_read_again_once_left_alone(tmp_path, caplog):
    import asyncio

    import policy

    folder = write_rules(tmp_path / "rules")
    saves: list[str] = []

    def loader(path: str):
        loaded = policy.load(path)
        if saves:                        # a save that began just after the files had settled
            (folder / "policy.yaml").write_text(saves.pop())
        return loaded
    holder = PolicyHolder(loader=loader)
    holder.load_now(str(folder))
    in_force = holder.base
    (folder / "policy.yaml").write_text(FACEBOOK_ALLOWED)
    saves.append(TEST_RULES + "\n# saved again\n")
    with caplog.at_level("INFO", logger="watercooler.rules"):
        asyncio.run(holder._reload(fingerprint(str(folder))))       # as the watcher does once the files settle
    assert holder.base is in_force and not holder.last_error
    assert f"rules in {folder} changed while being read; reading them once they have been left alone" in caplog.text
    asyncio.run(holder._reload(fingerprint(str(folder))))
    assert holder.base is not in_force and not holder.last_error     # the finished save, read whole


def test_at_start_files_that_change_while_being_read_are_read_again(tmp_path):
    import policy

    folder = write_rules(tmp_path / "rules", FACEBOOK_ALLOWED)
    saves, reads = [TEST_RULES], []

    def loader(path: str):
        reads.append(policy.load(path))
        if saves:                        # a save that began just after the files had settled
            (Path(path) / "policy.yaml").write_text(saves.pop())
        return reads[-1]
    holder = PolicyHolder(loader=loader)
    holder.load_now(str(folder))
    assert len(reads) == 2 and holder.base is reads[1]            # the finished save, read whole

    folder = write_rules(tmp_path / "other", FACEBOOK_ALLOWED)
    saves[:] = [TEST_RULES + f"\n# save {n}\n" for n in range(3)]   # saved again during every read
    with pytest.raises(Exception) as refused:
        PolicyHolder(loader=loader).load_now(str(folder))
    assert f"{folder}: files kept changing while being read; start the proxy once the rules are written " \
           "completely" in str(refused.value)
