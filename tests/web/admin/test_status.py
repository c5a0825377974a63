"""The status page: proxy heartbeats, the policy in words, reload errors and device set-up."""
from __future__ import annotations

import html
import json
import re
import shutil
from datetime import timedelta

import pytest

import web.policy_source as source_module
from storage.usage.tables import ProxyNode
from tests.support.tls_certs import make_pki
from tests.web.conftest import RULES, THURSDAY_10
from web.db import db
from web.policy_source import EXTENSION, PolicySource


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def test_proxies_show_their_heartbeat_and_policy(app, client, auth):
    with app.app_context():
        version = source_module.current_policy().version
        db().add_all([
            ProxyNode(node_id="edge-1", started_at=THURSDAY_10 - timedelta(hours=2), last_seen=THURSDAY_10,
                      policy_version=version, spooled=0),
            ProxyNode(node_id="edge-2", started_at=THURSDAY_10 - timedelta(hours=2),
                      last_seen=THURSDAY_10 - timedelta(minutes=10), policy_version="old",
                      last_reload_error="rules.yaml:12:5: unknown key 'acton'", spooled=42)])
        db().commit()
    auth.login("ada")
    page = _text(client.get("/admin/status"))
    assert f"edge-1 alive 2026-11-26 09:00:00 {version} (current) 0 records writing none" in page
    assert "edge-2 silent" in page and "42 records writing rules.yaml:12:5: unknown key 'acton'" in page


def test_a_spool_that_refuses_writes_shows_what_waits_in_memory_and_what_was_lost(app, client, auth):
    with app.app_context():
        db().add(ProxyNode(node_id="edge-1", started_at=THURSDAY_10, last_seen=THURSDAY_10, spooled=7,
                           spool_error="No space left on device", held_in_memory=1200, dropped_records=30))
        db().commit()
    auth.login("ada")
    page = _text(client.get("/admin/status"))
    assert ("7 records refuses writes No space left on device; 1200 records held in memory "
            "30 records lost beyond what memory holds") in page


def test_the_policy_in_plain_words(client, auth):
    auth.login("ada")
    page = _text(client.get("/admin/status"))
    assert "social-budget : For group staff: Facebook is on a budget of 30 minutes a day." in page
    assert "social-at-lunch : For everyone: all of External social media is open during lunch." in page
    assert "default : anything else is closed." in page
    assert "Facebook External social media facebook.com (+ fbcdn.net)" in page


def test_a_broken_edit_is_shown_with_its_place_while_the_last_good_policy_stays(app, client, auth, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.setattr(source_module, "CHECK_EVERY", 0.0)
    folder = shutil.copytree(RULES, tmp_path / "rules")
    app.extensions[EXTENSION] = PolicySource(folder)
    auth.login("ada")
    client.get("/admin/status")
    policy_file = folder / "policy.yaml"
    policy_file.write_text(policy_file.read_text().replace("action: read-only", "action: read-onyl") + "\n")
    page = _text(client.get("/admin/status"))
    assert "The rules do not load: " in page and "policy.yaml:" in page
    assert "the last good policy stays in force" in page


def test_the_ca_certificate_is_offered_once_the_proxy_made_it(app, client, auth, tmp_path):
    auth.login("ada")
    assert "certificate appears here once" in _text(client.get("/admin/status"))
    assert client.get("/ca.pem").status_code == 404
    pki = make_pki(tmp_path / "pki", ["proxy.corp.example"])
    (tmp_path / "proxy").mkdir()
    (tmp_path / "proxy" / "mitmproxy-ca-cert.pem").write_bytes(pki.ca_pem.read_bytes())
    assert "The proxy's CA certificate" in _text(client.get("/admin/status"))
    auth.logout()
    download = client.get("/ca.pem")
    assert download.status_code == 200 and download.mimetype == "application/x-x509-ca-cert"
    assert "watercooler-ca-cert.pem" in download.headers["Content-Disposition"]
    assert download.get_data() == pki.ca_pem.read_bytes()


@pytest.mark.parametrize("name", ["carol", "erin"])
def test_only_admins_see_the_status(client, auth, name):
    auth.login(name)
    assert client.get("/admin/status").status_code == 403


def test_the_proxies_on_this_machine_show_their_database_health(app, client, auth, tmp_path):
    def report(node: str, state: str, error: str | None, spooled: int, updated) -> None:
        folder = tmp_path / "spool" / node
        folder.mkdir(parents=True)
        (folder / "health.json").write_text(json.dumps({
            "node": node, "database": "postgresql+psycopg://watercooler@db/watercooler", "state": state,
            "error": error, "since": (THURSDAY_10 - timedelta(minutes=3)).isoformat(), "spooled": spooled,
            "updated_at": updated.isoformat()}))

    report("edge-1", "stalled", "no answer for 15 s", 1234, THURSDAY_10)
    report("edge-2", "up", None, 0, THURSDAY_10 - timedelta(minutes=10))
    auth.login("ada")
    page = _text(client.get("/admin/status"))
    assert "Usage database, as the proxies on this machine see it" in page
    assert ("edge-1 postgresql+psycopg://watercooler@db/watercooler stalled no answer for 15 s 2026-11-26 08:57:00 "
            "1234 records 2026-11-26 09:00:00") in page
    assert "edge-2 postgresql+psycopg://watercooler@db/watercooler up 2026-11-26 08:57:00 0 records " \
           "2026-11-26 08:50:00 silent" in page


def test_no_health_reports_no_section(client, auth):
    auth.login("ada")
    assert "as the proxies on this machine see it" not in _text(client.get("/admin/status"))
