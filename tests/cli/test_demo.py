"""`watercooler demo` (what `./dev run` starts): checks, tests and explains the sample company."""
from __future__ import annotations

import html
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import threading

import pytest

from cli.demo_pages import STORIES
from tests.support.cli_run import ROOT, RULES, WATERCOOLER, watercooler
from tests.support.net import free_port, poll


def test_the_tour_of_the_sample_company():
    result = watercooler("demo", "--tour-only", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    text = result.stdout
    assert "1. Checking the rules (watercooler check)\n   OK: 4 files, " in text
    assert "; 0 warnings\n" in text
    assert "zone Europe/Berlin" in text
    assert " passed, 0 failed\n" in text and "FAIL" not in text
    assert "-> blocked by social-budget: " in text
    assert "-> allowed by social-in-breaks: " in text
    assert "-> asked first (warning with Continue) by video-nudge: " in text
    assert "watercooler explain --user emma.schulz --url 'https://x.com/home' --at 2026-11-26T15:00 --used 30" in text


def test_the_tour_stops_on_broken_rules(tmp_path):
    shutil.copytree(RULES, tmp_path / "rules")
    (tmp_path / "rules" / "rules.yaml").write_text("rules:\n  - name: x\n    sites: [nowhere]\n    action: allow\n")
    result = watercooler("demo", "--tour-only", str(tmp_path / "rules"))
    assert result.returncode == 1
    assert "3. Three requests" not in result.stdout
    assert str(tmp_path / "rules" / "rules.yaml") + ":3:" in result.stderr


def test_the_tour_without_a_rules_folder(tmp_path):
    result = watercooler("demo", "--tour-only", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["rules: no such file or folder; give the rules folder, or one rules file",
                                          "rules: 1 error, 0 warnings"]


@pytest.fixture(scope="module")
def running_demo(tmp_path_factory):
    """`watercooler demo` as `./dev run` starts it, on free ports, with its own data folder."""
    data = tmp_path_factory.mktemp("demo")
    proxy_port, panel_port = free_port(), free_port()
    environment = {k: v for k, v in os.environ.items() if k != "WATERCOOLER_RULES"}
    environment["WATERCOOLER_DATA"] = str(data / "data")
    process = subprocess.Popen([str(WATERCOOLER), "demo", str(RULES), "--listen", f"127.0.0.1:{proxy_port}",
                                "--panel-listen", f"127.0.0.1:{panel_port}"], cwd=data, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    def read() -> None:
        for line in process.stdout:
            lines.append(line)
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    poll(lambda: any(line.startswith("Stop with Ctrl-C.") for line in lines) or process.poll() is not None,
         timeout=240, what="the demo to start")
    assert process.poll() is None, "".join(lines) + process.stderr.read()
    yield process, lines, proxy_port
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


def tour_pages(lines: list[str]) -> list[tuple[str, str, str]]:
    """(page, promised heading, curl command) for each page the tour prints."""
    found = []
    for index, line in enumerate(lines):
        promised = re.match(r"^   (.+): “(.+)”$", line.rstrip("\n"))
        if promised:
            found.append((promised.group(1), promised.group(2), lines[index + 1].strip()))
    return found


def test_every_curl_line_of_the_tour_gets_the_page_it_promises(running_demo):
    _, lines, proxy_port = running_demo
    pages = tour_pages(lines)
    assert [page for page, _, _ in pages] == [story.page for story in STORIES]
    for page, heading, command in pages:
        assert command.startswith("curl ") and f"@127.0.0.1:{proxy_port} " in command
        answer = subprocess.run([*shlex.split(command), "-i"], capture_output=True, text=True, timeout=30).stdout
        status = int(answer.split(" ", 2)[1])
        shown = html.unescape(re.search(r"<h1>(.*?)</h1>", answer, re.S).group(1))
        assert (page, shown) == (page, heading)
        assert status == next(story.status for story in STORIES if story.page == page)
    text = "".join(lines)
    assert "client connect" not in text and "client disconnect" not in text      # quiet unless --verbose


def test_ctrl_c_says_what_stopped(running_demo):
    process, lines, _ = running_demo
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    poll(lambda: any("Stopped the demo proxy and the panel" in line for line in lines), what="the goodbye")
    assert "Traceback" not in process.stderr.read()


def test_a_taken_panel_port_is_an_error_not_a_demo_without_the_panel(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = watercooler("demo", "--listen", f"127.0.0.1:{free_port()}", "--panel-listen", f"127.0.0.1:{port}",
                             cwd=ROOT, env={"WATERCOOLER_DATA": str(tmp_path / "data")})
    assert result.returncode == 1
    assert f"watercooler demo: the panel cannot listen on 127.0.0.1:{port} (address already in use); " \
           "give another address with --panel-listen HOST:PORT" in result.stderr
    assert "4. Starting the proxy" not in result.stdout
