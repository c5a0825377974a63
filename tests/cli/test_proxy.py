"""`watercooler proxy` and `watercooler demo`: start on the sample rules, print how to try it, enforce."""
from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509

from tests.support.net import free_port, poll

ROOT = Path(__file__).resolve().parents[2]
WATERCOOLER = Path(sys.executable).parent / "watercooler"
pytestmark = pytest.mark.e2e


class Running:
    def __init__(self, args: list[str], data: Path) -> None:
        self.output = data / "output.txt"
        data.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "WATERCOOLER_DATA": str(data)}
        env.pop("WATERCOOLER_RULES", None)
        with open(self.output, "wb") as output:     # the command writes to its own copy of the descriptor
            self.process = subprocess.Popen([str(WATERCOOLER), *args], cwd=ROOT, env=env, stdout=output,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def text(self) -> str:
        return self.output.read_text(errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=20)
        return code


def try_line(running: Running) -> list[str]:
    line = poll(lambda: next((ln for ln in running.text().splitlines() if ln.startswith("Try it:")), None),
                timeout=60, what="the 'Try it' line")
    return shlex.split(line.removeprefix("Try it:"))


def test_the_proxy_prints_a_curl_line_that_shows_a_block_page(tmp_path):
    port = free_port()
    running = Running(["proxy", "--rules", "rules", "--listen", f"127.0.0.1:{port}"], tmp_path / "data")
    try:
        command = try_line(running)
        assert command == ["curl", "-x", f"http://127.0.0.1:{port}", "http://www.facebook.com/"]
        page = subprocess.run(command + ["-sS", "-i"], capture_output=True, timeout=20).stdout.decode()
        # Nobody signs in to this proxy: the sample rules' guests rule keeps Facebook closed at every hour.
        assert page.startswith("HTTP/1.1 403") and "Facebook is not available" in page
        assert "Facebook is not available without a company account." in page and "lunch" not in page
        text = running.text()
        ca = tmp_path / "data" / "proxy" / "mitmproxy-ca-cert.pem"
        assert f"CA certificate for HTTPS pages (install it on devices): {ca}" in text
        subject = x509.load_pem_x509_certificate(ca.read_bytes()).subject.rfc4514_string()
        assert "CN=Watercooler CA" in subject
        assert "Watercooler is enforcing (4 policy file(s))" in text
    finally:
        assert running.stop() == 0
    assert "Traceback" not in running.text()


def test_a_missing_rules_folder_is_one_sentence(tmp_path):
    done = subprocess.run([str(WATERCOOLER), "proxy", "--rules", str(tmp_path / "nope")], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == f"watercooler proxy: no rules folder at {tmp_path / 'nope'}; " \
                                  "give --rules DIR or set WATERCOOLER_RULES"


@pytest.mark.parametrize("given", ["relative", "absolute", "one file"])
def test_broken_rules_outside_the_repository_show_their_file_line_and_fix(tmp_path, given):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "rules.yaml").write_text("version: 1\ntimezone: Europe/Berlin\nrules:\n"
                                       "  - name: no-nope\n    sites: [nope]\n    action: block\n")
    rules = {"relative": "broken", "absolute": str(folder), "one file": str(folder / "rules.yaml")}[given]
    done = subprocess.run([str(WATERCOOLER), "proxy", "--rules", rules, "--listen", f"127.0.0.1:{free_port()}"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          env={**os.environ, "WATERCOOLER_DATA": str(tmp_path / "data")})
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    file = rules if given == "one file" else f"{rules}/rules.yaml"
    assert f"{file}:5:13: unknown site 'nope' in rule 'no-nope'; define it under 'sites:'" in done.stderr
    assert "no such file or folder" not in done.stderr


def test_a_folder_whose_rules_file_is_missing_does_not_start(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "catalogue.yaml").write_text("version: 1\ntimezone: Europe/Berlin\n"
                                           "categories: {c: {}}\nsites: {s: {category: c, domains: [s.example]}}\n")
    done = subprocess.run([str(WATERCOOLER), "proxy", "--rules", str(folder), "--listen", f"127.0.0.1:{free_port()}"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path,
                          env={**os.environ, "WATERCOOLER_DATA": str(tmp_path / "data")})
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    assert done.stderr == (f"watercooler proxy: rules in {folder} not loaded:\n{folder}: no file has a 'rules:' "
                           "list, so only the default would apply (was the file with the rules deleted or emptied?); "
                           "restore it; if the default alone is meant, write 'rules: []' in one of the files\n")


def test_a_bad_setting_is_one_sentence(tmp_path):
    done = subprocess.run([str(WATERCOOLER), "proxy", "--listen", f"127.0.0.1:{free_port()}",
                           "--set", "watercooler_fail=sometimes"], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env={**os.environ, "WATERCOOLER_DATA": str(tmp_path)})
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    assert "watercooler_fail must be one of 'closed', 'open', not 'sometimes'" in done.stderr


def test_a_database_timeout_under_a_second_is_one_sentence(tmp_path):
    done = subprocess.run([str(WATERCOOLER), "proxy", "--listen", f"127.0.0.1:{free_port()}",
                           "--set", "watercooler_db_stall_after=0"], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env={**os.environ, "WATERCOOLER_DATA": str(tmp_path)})
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    assert "watercooler_db_stall_after must be at least 1 (seconds), not 0" in done.stderr


def test_the_demo_checks_the_sample_rules_then_starts_the_proxy(tmp_path):
    port = free_port()
    running = Running(["demo", "--listen", f"127.0.0.1:{port}", "--panel-listen", f"127.0.0.1:{free_port()}"],
                      tmp_path / "data")
    try:
        poll(lambda: "Stop with Ctrl-C." in running.text(), timeout=240, what="the demo to start")
        text = running.text()
        assert text.index("1. Checking the rules") < text.index("4. Starting the proxy") < text.index("Stop with")
        assert "Try it:" not in text                # the tour's lines log in; an anonymous one would not
        lines = text.splitlines()
        command = shlex.split(lines[lines.index("   block page: “Facebook is closed right now”") + 1])
        page = subprocess.run(command + ["-sS"], capture_output=True, timeout=20).stdout.decode()
        assert "Facebook is closed right now" in page
    finally:
        assert running.stop() == 0


def test_the_proxy_logs_in_with_panel_accounts(tmp_path):
    port = free_port()
    running = Running(["proxy", "--rules", "rules", "--listen", f"127.0.0.1:{port}",
                       "--set", "watercooler_auth=panel"], tmp_path / "data")
    try:
        command = try_line(running)
        answer = subprocess.run(command + ["-sS", "-i"], capture_output=True, timeout=20).stdout.decode()
        assert answer.startswith("HTTP/1.1 407") and "panel account" in answer
        assert "auth=panel" in running.text()
    finally:
        assert running.stop() == 0


def test_without_the_ca_a_bare_address_is_refused_to_people_the_rules_limit(tmp_path):
    from tests.support.origin import Origin
    from tests.support.proxy_clients import open_tunnel

    port, origin = free_port(), Origin()          # a real server at the address, which must never be reached
    running = Running(["proxy", "--rules", "rules", "--listen", f"127.0.0.1:{port}",
                       "--set", "watercooler_no_ca=true"], tmp_path / "data")
    try:
        try_line(running)
        sock, status, head = open_tunnel(port, "127.0.0.1", origin.port)      # anonymous: a guest in the rules
        sock.close()
        assert status == 403
        assert b"X-Watercooler-Reason: 127.0.0.1 does not say which site it is" in head
        assert origin.accepted == 0
    finally:
        assert running.stop() == 0
        origin.close()


def test_rules_cut_short_or_deleted_keep_the_last_good_policy_and_a_start_without_them_is_refused(tmp_path):
    from tests.support.proxy_clients import http_via_proxy
    from tests.support.proxy_env import TEST_RULES, start_env
    from tests.support.proxy_process import ProxyProcess

    # As docs/policy.md allows: `version` and the catalogue in one file, the rules in rules.yaml.
    catalogue, rules_part = TEST_RULES.split("rules:\n", 1)
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "rules.yaml").write_text("rules:\n" + rules_part)
    env = start_env(tmp_path, rules=catalogue, program="watercooler")
    rules = folder / "rules.yaml"

    def facebook() -> int:
        return http_via_proxy(env.port, b"GET http://www.facebook.com/ HTTP/1.1\r\nHost: www.facebook.com\r\n"
                                        b"Connection: close\r\n\r\n").status
    try:
        assert facebook() == 403
        env.http_origin.clear()
        offset = len(env.proxy.log())
        rules.write_text("rules:\n" + rules_part.split("  - name: no-facebook-at-work")[0])   # a valid prefix
        log = env.proxy.wait_for_log("rules not reloaded, keeping the last good policy", after=offset)[offset:]
        assert f"{rules}: lost 5 entries that the policy in force has: setting:default, rule:no-facebook-at-work" in log
        assert [facebook() for _ in range(20)] == [403] * 20

        offset = len(env.proxy.log())
        rules.unlink()
        log = env.proxy.wait_for_log(f"{rules}: is gone", after=offset)[offset:]
        assert "restore it, or confirm with 'confirm-removal: [file:rules.yaml]' in another file" in log
        assert [facebook() for _ in range(20)] == [403] * 20
        assert env.http_origin.seen_for("www.facebook.com") == []
    finally:
        env.stop()
    assert "Traceback" not in env.proxy.log()
    with pytest.raises(AssertionError, match="exited with 2") as refused:     # the same confdir: it remembers
        ProxyProcess(tmp_path, {"watercooler_rules": str(folder)}, program="watercooler")
    said = str(refused.value)
    assert f"watercooler proxy: rules in {folder} not loaded:\n" in said
    assert f"\n{rules}: is gone; it held 8 entries" in said and "Traceback" not in said


def test_a_continue_with_too_many_fields_is_a_400_and_leaves_the_token_usable(tmp_path):
    from tests.proxy_addons.enforcing.test_continue_post import FORM, post_continue, warn_page
    from tests.support.proxy_clients import https_via_proxy
    from tests.support.proxy_env import start_env

    env = start_env(tmp_path, options={"proxyauth": "any"}, program="watercooler")
    try:
        token, next_path = warn_page(env, "judy")
        body = f"token={token}&next=/&" + "&".join(f"f{i}=x" for i in range(10))
        answer = https_via_proxy(env.port, "www.youtube.com", "/.watercooler/continue", cafiles=[env.proxy.ca_pem],
                                 method="POST", body=body.encode(), headers=FORM, auth=("judy", "pw"))
        assert answer.status == 400 and "the Continue form has more than 10 fields" in answer.text
        assert "Policy unavailable" not in answer.text and "policy unavailable" not in env.proxy.log()
        continued = post_continue(env, "judy", token, next_path=next_path)
        assert continued.status == 303 and continued.headers["location"] == next_path
        assert https_via_proxy(env.port, "www.youtube.com", next_path, cafiles=[env.proxy.ca_pem],
                               auth=("judy", "pw")).status == 200
    finally:
        env.stop()
