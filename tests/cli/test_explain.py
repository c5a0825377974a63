"""`watercooler explain` as an admin runs it: the human layout, --json, --batch, and every mistake."""
from __future__ import annotations

import json
import shutil

import pytest

from tests.support.cli_run import RULES, watercooler as _watercooler

NO_DEFAULT_DB = {"WATERCOOLER_DB": "", "WATERCOOLER_DATA": "/nonexistent/watercooler-data"}


def watercooler(*args: str, **options):
    """Explain on the rules alone: no database is configured (tests/cli/test_explain_db.py has one)."""
    options["env"] = {**NO_DEFAULT_DB, **options.get("env", {})}
    return _watercooler(*args, **options)

BLOCKED = ["explain", "--user", "emma.schulz", "--url", "https://x.com/home", "--at", "2026-11-26T15:00",
           "--used", "30", str(RULES)]


def test_a_blocked_request_in_words():
    result = watercooler(*BLOCKED)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "BLOCKED: GET https://x.com/home"
    assert lines[1] == "  for emma.schulz at Thu 26 Nov 2026 15:00 (Europe/Berlin)"
    text = result.stdout
    assert "  Site         X (Twitter) (x, External social media)\n" in text
    assert "  Rule         social-budget (quota, " in text and "rules.yaml:" in text
    assert "  Message      30 minutes a day during work hours; lunch and evenings don't count.\n" in text
    assert "  Until        Thu 26 Nov 2026 18:00; the decision changes then\n" in text
    assert ("  Quota        External social media budget: 0 of 30 min left today, shared by Facebook, Instagram,\n"
            "               … (10 sites); 30 minutes used; resets Fri 27 Nov 2026 00:00\n") in text
    assert "  Reason       You have used your 30 minutes of External social media for today, shared by" in text
    assert "  Open instead Northwind forum  " in text
    trace = text.split("How it was decided:\n", 1)[1].splitlines()
    assert trace[0].startswith("    1. community-always-open")
    assert [line[:6] for line in trace] == [f"    {n}." for n in range(1, 7)] + ["->  7."]
    assert trace[-1].startswith("->  7. social-budget") and "matches" in trace[-1]


def test_json_is_the_decision():
    result = watercooler(*BLOCKED, "--json")
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert (decision["action"], decision["rule"], decision["site"]) == ("block", "social-budget", "x")


@pytest.mark.parametrize("at, action, rule", [
    ("2026-11-26T11:15", "allow", "social-budget"),          # policy-local: 11:15 in Berlin, work time
    ("2026-11-26T11:15Z", "allow", "social-in-breaks"),      # 12:15 in Berlin: lunch
    ("2026-11-26T11:15+01:00", "allow", "social-budget"),
])
def test_at_without_offset_is_policy_local(at, action, rule):
    result = watercooler("explain", "--user", "alice.krueger", "--url", "https://facebook.com/", "--at", at,
                         "--json", str(RULES))
    decision = json.loads(result.stdout)
    assert (decision["action"], decision["rule"]) == (action, rule)


@pytest.mark.parametrize("extra, first_line", [
    (["--method", "POST"], "BLOCKED: POST https://www.linkedin.com/feed/"),
    (["--method", "get"], "ALLOWED: GET https://www.linkedin.com/feed/"),
])
def test_read_only_linkedin(extra, first_line):
    result = watercooler("explain", "--user", "bob.hartmann", "--url", "https://www.linkedin.com/feed/",
                         "--at", "2026-11-26T10:00", *extra, str(RULES))
    assert result.stdout.splitlines()[0] == first_line
    assert "  Rule         linkedin-read-only-at-work (read-only, " in result.stdout


def test_warn_then_continued():
    args = ["explain", "--user", "lina.petrova", "--url", "https://youtu.be/x", "--at", "2026-11-26T10:30",
            str(RULES)]
    assert watercooler(*args).stdout.startswith("WARNING (Continue possible): GET https://youtu.be/x")
    assert watercooler(*args, "--continued").stdout.startswith("ALLOWED: GET https://youtu.be/x")


def test_a_guest_by_network_and_the_default():
    guest = watercooler("explain", "--ip", "10.20.1.2", "--url", "https://www.reddit.com/",
                        "--at", "2026-11-26T12:30", str(RULES))
    assert guest.stdout.splitlines()[:2] == ["BLOCKED: GET https://www.reddit.com/",
                                             "  for an anonymous user from 10.20.1.2 at Thu 26 Nov 2026 12:30 "
                                             "(Europe/Berlin)"]
    work = watercooler("explain", "--user", "sam.obi", "--url", "https://docs.python.org/3/", str(RULES))
    assert "  Site         docs.python.org (not in the catalogue)\n" in work.stdout
    assert "  Rule         none matched; the policy's default is allow\n" in work.stdout
    assert work.stdout.rstrip().splitlines()[-1].startswith("-> 10. default")
    assert "Open instead" not in work.stdout


def test_rules_folder_from_the_environment_or_the_current_folder(tmp_path):
    args = ["explain", "--user", "alice.krueger", "--url", "https://x.com/", "--at", "2026-11-26T12:15"]
    from_env = watercooler(*args, cwd=tmp_path, env={"WATERCOOLER_RULES": str(RULES)})
    assert from_env.returncode == 0 and from_env.stdout.startswith("ALLOWED")
    shutil.copytree(RULES, tmp_path / "rules")
    assert watercooler(*args, cwd=tmp_path).stdout.startswith("ALLOWED")


@pytest.mark.parametrize("flags, code, message", [
    (["--url", "https://x.com/", "--at", "soon"], 2, "watercooler explain: at: not a date and time: 'soon'"),
    (["--url", "https://x.com/", "--at", "2026-11-26T25:00"], 2, "watercooler explain: at: not a date and time"),
    (["--url", "https://a..b/"], 2, "watercooler explain: url: not a host name: "),
    (["--url", "https://x.com/", "--ip", "10.1.2"], 2, "watercooler explain: ip: not an IP address: '10.1.2'"),
    (["--url", "https://x.com/", "--used", "lots"], 2, "watercooler explain: used: minutes used must be"),
    (["--url", "https://x.com/", "--method", "GE T"], 2, "watercooler explain: method: not an HTTP method"),
    (["--user", "alice.krueger"], 2, "watercooler explain: give --url"),
])
def test_bad_flags_are_one_sentence(flags, code, message):
    result = watercooler("explain", *flags, str(RULES))
    assert result.returncode == code
    assert result.stderr.startswith(message), result.stderr
    assert result.stdout == ""


def test_a_missing_rules_folder(tmp_path):
    result = watercooler("explain", "--url", "https://x.com/", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"watercooler explain: no rules folder at {tmp_path / 'nowhere'}")


def test_broken_rules_are_printed_like_check(tmp_path):
    shutil.copytree(RULES, tmp_path / "rules")
    (tmp_path / "rules" / "time.yaml").write_text("timezone: Europe/Berlin\nschedules:\n  lunch:\n"
                                                  "    - {days: mon-fri, form: '12:00', to: '13:30'}\n")
    result = watercooler("explain", "--url", "https://x.com/", str(tmp_path / "rules"))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'rules' / 'time.yaml'}:4:23: unknown key 'form' in window 1 of schedule 'lunch'; "
        "did you mean 'from'?", f"{tmp_path / 'rules'}: 1 error, 0 warnings"]


def test_batch_one_decision_per_line_and_errors_named_by_line(tmp_path):
    batch = tmp_path / "requests.jsonl"
    batch.write_text("\n".join([
        json.dumps({"user": "emma.schulz", "url": "https://x.com/", "at": "2026-11-26T15:00", "used": 30}),
        "{not json",
        json.dumps({"user": "alice.krueger", "url": "https://x.com/", "when": "now"}),
        "",
        json.dumps({"url": "https://www.youtube.com/", "at": "2026-11-26T10:00", "user": "ada.nguyen"}),
        json.dumps({"url": "https://x.com/", "at": "later"}),
        json.dumps(["https://x.com/"]),
    ]) + "\n", encoding="utf-8")
    result = watercooler("explain", "--batch", str(batch), str(RULES))
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 6
    assert (out[0]["action"], out[0]["rule"]) == ("block", "social-budget")
    assert out[1]["line"] == 2 and out[1]["error"].startswith("not JSON")
    assert out[2] == {"line": 3,
                      "error": "unknown key 'when'; the keys are user, url, at, method, ip, used, continued, no_ca"}
    assert (out[3]["action"], out[3]["rule"]) == ("warn", "video-nudge")
    assert out[4]["line"] == 6 and out[4]["error"].startswith("at: not a date and time: 'later'")
    assert out[5]["line"] == 7 and out[5]["error"].startswith("each line is one JSON object")


def test_batch_from_stdin_all_good():
    lines = "\n".join(json.dumps({"user": "alice.krueger", "url": url, "at": "2026-11-26T12:15"})
                      for url in ("https://x.com/", "https://forum.northwind.example/")) + "\n"
    result = watercooler("explain", "--batch", "-", str(RULES), stdin=lines)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["rule"] for line in result.stdout.splitlines()] == \
        ["social-in-breaks", "community-always-open"]


def test_batch_file_missing_or_not_utf8(tmp_path):
    missing = watercooler("explain", "--batch", str(tmp_path / "none.jsonl"), str(RULES))
    assert missing.returncode == 1 and missing.stderr.startswith("watercooler explain: cannot read ")
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"user": "j\xfcrgen", "url": "https://x.com/"}\n')
    result = watercooler("explain", "--batch", str(latin), str(RULES))
    assert result.returncode == 1
    assert json.loads(result.stdout) == {"line": 1, "error": "the line is not UTF-8 text"}


def test_without_the_ca_a_bare_address_is_explained_by_the_unnamed_setting():
    args = ["explain", "--url", "https://157.240.1.35/", "--at", "2026-11-26T15:00", "--no-ca", str(RULES)]
    staff = watercooler(*args, "--user", "emma.schulz").stdout
    assert staff.startswith("BLOCKED: GET https://157.240.1.35/\n")
    assert "  Rule         none: a bare address without the CA is decided by 'unnamed' (it allows unrestricted)\n" \
           in staff
    assert "emma.schulz is not among them, and is limited by rule" in staff
    comms = watercooler(*args, "--user", "lena.hoffmann").stdout
    assert comms.startswith("ALLOWED:") and "no rule limits lena.hoffmann → allow" in comms
    assert watercooler(*args[:-2], str(RULES), "--user", "emma.schulz").stdout.startswith("ALLOWED:")   # with the CA


def test_a_refusal_says_when_it_first_lets_the_request_through():
    guest = watercooler("explain", "--url", "https://x.com/", "--at", "2026-11-26T12:15", str(RULES))
    assert "  Reason       X (Twitter) is not available without a company account.\n" in guest.stdout
    assert "  Opens        not within four weeks for this request\n" in guest.stdout
    assert "lunch" not in guest.stdout.split("How it was decided:")[0]
    # A Monday night: closed until lunch, and that change is the opening, so it is said once.
    monday = watercooler("explain", "--user", "zed", "--url", "https://x.com/", "--at", "2026-12-07T03:00", str(RULES))
    assert "  Until        Mon 07 Dec 2026 12:00; the decision changes then\n" in monday.stdout
    assert "  Opens" not in monday.stdout
    used_up = watercooler(*BLOCKED, "--json")
    assert json.loads(used_up.stdout)["opens"] == "2026-11-26T18:00:00+01:00"
