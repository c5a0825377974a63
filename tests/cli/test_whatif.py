"""`watercooler whatif`: the real command over a recorded database, as an admin or a rules repository's CI runs it."""
from __future__ import annotations

import json

import pytest

from tests.support.cli_run import watercooler
from tests.support.whatif_rules import folders
from tests.support.whatif_usage import record_usage


@pytest.fixture
def setup(tmp_path):
    url = f"sqlite:///{tmp_path / 'watercooler.db'}"
    record_usage(url)
    rules, draft = folders(tmp_path)
    return url, rules, draft


def whatif(setup, *extra, env=None):
    url, rules, draft = setup
    return watercooler("whatif", str(draft), "--rules", str(rules), "--db", url, "--since", "2026-11-23",
                       "--until", "2026-11-24", *extra, env=env)


def test_the_report_starts_with_the_verdict(setup):
    result = whatif(setup, env={"WATERCOOLER_MIN_GROUP_SIZE": "5"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # m6, in no group on Monday morning, is one of the 6 but marketing's 25 minutes would tell m6's 5 apart
    assert lines[0] == "This draft would have blocked 30 more minutes for 6 people and freed none that can be shown."
    assert "240 recorded minutes" in result.stdout and "12.5% change outcome" in result.stdout
    assert any(line.startswith("Limits: ") and "estimates" in line for line in lines)
    assert "Never matched, or no figure of 5 or more people: video (" in result.stdout


def test_all_figures_on_request_and_labelled(setup):
    result = whatif(setup, "--all-figures")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("All figures, none hidden, those of a single person too")
    assert lines[2] == "This draft would have blocked 30 more minutes for 6 people (marketing) and freed none."
    assert "280 recorded minutes" in result.stdout and "10.7% change outcome" in result.stdout
    assert "Never matched: video (" in result.stdout      # nobody watched a video in these two days
    assert json.loads(whatif(setup, "--all-figures", "--json").stdout)["all_figures"] is True


def test_json_for_scripts(setup):
    data = json.loads(whatif(setup, "--json").stdout)
    assert (data["minutes"], data["changed"], data["all_figures"]) == (240, 30, False)
    assert data["everyone"]["blocked_more"] == 30 and data["groups"] == {}
    assert data["never_matched"] == ["video", "sales-free"]


def test_fail_on_change_exits_1_past_the_share(setup):
    failed = whatif(setup, "--fail-on-change", "5")
    assert failed.returncode == 1
    assert "more than --fail-on-change 5% of the replayed minutes change outcome\n" in failed.stderr
    assert "(10.7%)" in whatif(setup, "--fail-on-change", "5", "--all-figures").stderr
    assert whatif(setup, "--fail-on-change", "20").returncode == 0


def test_a_bad_draft_is_reported_like_check_and_exits_2(setup):
    _, _, draft = setup
    text = (draft / "main.yaml").read_text()
    (draft / "main.yaml").write_text(text.replace("sites: [youtube]", "sites: [yutube]"))
    result = whatif(setup)
    assert result.returncode == 2
    assert f"{draft / 'main.yaml'}:16:" in result.stderr and "unknown site 'yutube'" in result.stderr
    assert result.stdout == ""


def test_no_database_exits_2_with_a_sentence(setup, tmp_path):
    _, rules, draft = setup
    result = watercooler("whatif", str(draft), "--rules", str(rules), "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert result.returncode == 2
    assert "no usage recorded yet" in result.stderr


def test_check_suggests_whatif_for_a_draft_when_a_database_is_configured(setup):
    url, rules, draft = setup
    result = watercooler("check", str(draft), env={"WATERCOOLER_DB": url, "WATERCOOLER_RULES": str(rules)})
    assert result.returncode == 0
    hint = result.stdout.splitlines()[-1]
    assert hint.startswith(f"Before you publish: `watercooler whatif {draft} --rules {rules}`")
    quiet = watercooler("check", str(rules), env={"WATERCOOLER_DB": url, "WATERCOOLER_RULES": str(rules)})
    assert "Before you publish" not in quiet.stdout


def test_a_missing_draft_folder_is_named(setup, tmp_path):
    url, rules, _ = setup
    result = watercooler("whatif", str(tmp_path / "nowhere"), "--rules", str(rules), "--db", url)
    assert result.returncode == 2
    assert f"no draft folder at {tmp_path / 'nowhere'}" in result.stderr
