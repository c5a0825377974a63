"""Changed rules files are read only once they have been left alone for a while."""
from __future__ import annotations

import os
import time

import pytest

from policy.loading.problems import PolicyError
from proxy_addons.rules.settle import Settle, fingerprint, settled_now, snapshot, wait_until_settled
from tests.support.net import poll
from tests.support.proxy_env import write_rules


def test_the_fingerprint_sees_saves_renames_and_a_missing_folder(tmp_path):
    folder = write_rules(tmp_path / "rules")
    before = fingerprint(str(folder))
    (folder / ".policy.yaml.new").write_text((folder / "policy.yaml").read_text())
    assert fingerprint(str(folder)) == before                      # dot-files are not policy
    os.replace(folder / ".policy.yaml.new", folder / "policy.yaml")   # same bytes, renamed into place
    assert fingerprint(str(folder)) != before
    assert fingerprint(str(tmp_path / "gone")) is None and snapshot(str(tmp_path / "gone")) is None


def test_a_fresh_change_is_not_ready_until_it_has_been_left_alone(tmp_path):
    folder = write_rules(tmp_path / "rules")
    settle = Settle(quiet=0.5)
    seen, changed = snapshot(str(folder))
    assert not settle.ready(seen, changed) and settle.first_look
    assert not settle.ready(seen, changed) and not settle.first_look
    (folder / "policy.yaml").write_text("version: 1\n")                 # written again: the wait starts over
    seen, changed = snapshot(str(folder))
    assert not settle.ready(seen, changed) and settle.first_look
    poll(lambda: settle.ready(*snapshot(str(folder))), timeout=3, what="the folder to settle")


def test_at_start_the_wait_ends_when_the_files_settle_or_fails_when_they_keep_changing(tmp_path):
    folder = write_rules(tmp_path / "rules")
    assert not settled_now(str(folder))
    started = time.monotonic()
    assert wait_until_settled(str(folder)) == fingerprint(str(folder))
    assert time.monotonic() - started < 3 and settled_now(str(folder))
    (folder / "policy.yaml").write_text("version: 1\n")
    with pytest.raises(PolicyError, match=r"files kept changing for 0\.3 s"):
        wait_until_settled(str(folder), limit=0.3)


def test_the_fingerprint_sees_saves_additions_and_a_missing_folder(tmp_path):
    folder = write_rules(tmp_path / "rules")
    before = fingerprint(str(folder))
    (folder / "extra.yaml").write_text("# nothing yet\n")
    assert fingerprint(str(folder)) != before
    (folder / "notes.txt").write_text("not a policy file")
    assert len(fingerprint(str(folder))) == 2
    assert fingerprint(str(tmp_path / "gone")) is None


def test_one_rules_file_is_watched_too(tmp_path):
    file = write_rules(tmp_path / "rules") / "policy.yaml"
    before = fingerprint(str(file))
    assert before and before[0][0] == "policy.yaml"
    file.write_text(file.read_text() + "\n# edited\n")
    assert fingerprint(str(file)) != before
