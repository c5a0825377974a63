"""A real proxy on a free loopback port, for end-to-end tests: `mitmdump -s proxy_addons/watercooler.py`
(the default) or `watercooler proxy` (`program="watercooler"`; its data folder is `workdir/data` unless
$WATERCOOLER_DATA says otherwise)."""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from proxy_addons.tunnels.ca import ensure_ca
from tests.support.net import free_port, poll, port_open

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "proxy_addons" / "watercooler.py"
MITMDUMP = Path(sys.executable).with_name("mitmdump")
WATERCOOLER = Path(sys.executable).with_name("watercooler")
READY_LINE = "Watercooler is enforcing"
FLAGS = {"watercooler_rules": "--rules", "watercooler_db": "--db", "watercooler_panel_url": "--panel-url"}


class ProxyProcess:
    """Start with `options` (mitmproxy option name -> value); `url`, `log()`, `wait_for_log()`, `stop()`.

    `open_files` lowers the process's open-file limit before it starts: a number for the soft and the hard
    limit alike, or (soft, hard); `port` listens there instead of on a free port chosen here."""

    def __init__(self, workdir: Path, options: dict[str, str | list[str]], *, ready_line: str = READY_LINE,
                 extra_args: list[str] | None = None, script: Path = SCRIPT, program: str = "mitmdump",
                 open_files: int | tuple[int, int] | None = None, port: int | None = None) -> None:
        self.port = port or free_port()
        self.confdir = workdir / "confdir"
        self.confdir.mkdir(parents=True, exist_ok=True)
        ensure_ca(self.confdir)            # as `watercooler proxy` does: the CA is named "Watercooler CA"
        self.log_path = workdir / f"mitmdump-{self.port}.log"
        if program == "watercooler":
            args = [str(WATERCOOLER), "proxy", "--listen", f"127.0.0.1:{self.port}", "--confdir", str(self.confdir),
                    "--set", "termlog_verbosity=info", *(extra_args or [])]
        else:
            args = [str(MITMDUMP), "--set", "termlog_verbosity=info",
                    "--listen-host", "127.0.0.1", "--listen-port", str(self.port),
                    "--set", f"confdir={self.confdir}", "-s", str(script), *(extra_args or [])]
        for name, value in options.items():
            if program == "watercooler" and name in FLAGS:     # as an admin would give them
                args += [FLAGS[name], str(value)]
                continue
            for one in (value if isinstance(value, list) else [value]):
                args += ["--set", f"{name}={one}"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_PROXY": "", "no_proxy": ""}
        if program == "watercooler":      # usage in SQLite in the test's own folder, unless told otherwise
            env.setdefault("WATERCOOLER_DATA", str(workdir / "data"))

        soft, hard = open_files if isinstance(open_files, tuple) else (open_files, open_files)

        def lower_open_files() -> None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        with open(self.log_path, "wb") as log:     # mitmdump writes to its own copy of the descriptor
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, env=env,
                                            start_new_session=True, preexec_fn=lower_open_files if open_files else None)
        try:
            poll(lambda: self.process.poll() is not None or (port_open(self.port) and ready_line in self.log()),
                 timeout=30, what=f"mitmdump on port {self.port} to be ready")
            if self.process.poll() is not None:
                raise AssertionError(f"mitmdump exited with {self.process.returncode}:\n{self.log()}")
        except BaseException:
            self.stop()
            raise

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ca_pem(self) -> Path:
        return self.confdir / "mitmproxy-ca-cert.pem"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, text: str, timeout: float = 10.0, after: int = 0) -> str:
        """Wait until `text` appears in the log (beyond character offset `after`); returns the log."""
        def found() -> str | None:
            log = self.log()
            return log if text in log[after:] else None
        return poll(found, timeout=timeout, what=f"{text!r} in the proxy log")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
