"""The panel's PAC file in a real browser: Chromium configured with the served /proxy.pac, on a client inside
the office networks, goes through the office proxy (it gets the proxy's block page), not to the remote
endpoint the file names for everyone else."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.live_panel import serve
from tests.support.proxy_env import start_env
from tests.web.conftest import make_app
from tests.web.test_pac import RULES

# Every address is in the office here: whatever address Chromium's myIpAddress() reports.
EVERYWHERE = RULES.replace('head-office: [10.1.0.0/16, "fd00:1::/48"]', 'head-office: [0.0.0.0/0, "::/0"]')


@pytest.mark.e2e
def test_chromium_in_the_office_follows_the_pac_file_to_the_office_proxy(tmp_path, password_hash):
    assert EVERYWHERE != RULES
    rules = tmp_path / "panel-rules"
    rules.mkdir()
    (rules / "policy.yaml").write_text(EVERYWHERE, encoding="utf-8")
    env = start_env(tmp_path / "proxy")
    app = make_app(tmp_path, password_hash, rules=rules)
    app.config.update(PROXY_ADDRESS=f"127.0.0.1:{env.port}", REMOTE_PROXY="remote.invalid:8443")
    from playwright.sync_api import sync_playwright
    try:
        with serve(app) as panel, sync_playwright() as playwright:
            assert Path(CHROMIUM).exists(), "Debian's chromium is installed by ./dev test"
            chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                                  args=[*CHROMIUM_ARGS, f"--proxy-pac-url={panel}/proxy.pac"])
            try:
                # Chromium upgrades these addresses to HTTPS, which the proxy answers with its own CA.
                page = chromium.new_context(ignore_https_errors=True).new_page()
                page.goto("http://www.facebook.com/")
                assert "Facebook opens at lunch" in page.content()
                page.goto("http://www.example.org/")
                assert "origin page for www.example.org" in page.content()
            finally:
                chromium.close()
    finally:
        env.stop()
