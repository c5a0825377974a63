"""The panel's grants reach the proxy through the shared database within seconds; usage goes back."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from storage.changes.access import Grant
from storage.changes.adjustments import Adjustment
from storage.migrate import upgrade
from storage.usage.tables import ActiveMinute, QuotaCharge
from tests.support.databases import count_rows
from tests.support.net import closed, poll
from tests.support.outage import database_outage
from tests.support.proxy_clients import https_via_proxy, keep_alive_tunnel
from tests.support.proxy_env import TEST_RULES, start_env

pytestmark = pytest.mark.e2e
# The test policy, plus a video rule the staff group's manager may tune.
RULES = TEST_RULES.replace("  comms: {members: [carol]}\n",
                           "  comms: {members: [carol]}\n  staff: {members: [dave], managers: [mia]}\n").replace(
    "  - name: video-nudge\n",
    "  - name: staff-video\n    who: [group:staff]\n    sites: [youtube]\n    action: warn\n"
    "    adjustable: {action: [warn, allow, block]}\n  - name: video-nudge\n")


PROXY_PROGRAMS = ("watercooler", "mitmdump")


@pytest.fixture(scope="module")
def env(tmp_path_factory, program):
    workdir = tmp_path_factory.mktemp("db")
    url = f"sqlite:///{workdir / 'watercooler.db'}"
    started = start_env(workdir, RULES, options={"proxyauth": "any", "watercooler_db": url}, program=program)
    started.db_url = url
    yield started
    started.stop()


def facebook(env, user: str):
    return https_via_proxy(env.port, "www.facebook.com", cafiles=[env.pki.ca_pem, env.proxy.ca_pem],
                           auth=(user, "pw"))


def test_a_grant_from_the_panel_opens_the_site_for_that_person_only(env):
    assert facebook(env, "alice").status == 403
    engine = create_engine(env.db_url)
    with Session(engine) as db:           # what the panel writes when a manager approves
        db.add(Grant(user_name="alice", site="facebook", granted_by="carol",
                     starts_at=datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc),
                     expires_at=datetime(2026, 11, 26, 11, 0, tzinfo=timezone.utc)))
        db.commit()
    engine.dispose()
    poll(lambda: facebook(env, "alice").status == 200, timeout=8, interval=0.2, what="the grant to reach the proxy")
    # A connection whose handshake came just before the grant is intercepted, and its request allowed;
    # from then on each one is a plain allow: tunnelled, not decrypted.
    assert facebook(env, "alice").cert_fingerprint == env.pki.fingerprint
    assert facebook(env, "bob").status == 403
    assert "panel overrides applied: 0 adjustment(s), 1 grant(s)" in env.proxy.log()
    # A tunnel is not decrypted, so it counts as active the minute it opens.
    poll(lambda: count_rows(env.db_url, ActiveMinute, user_name="alice", site="facebook") == 1, timeout=10,
         what="the tunnel's minute to be written")


def test_usage_reaches_the_database(env):
    page = https_via_proxy(env.port, "www.reddit.com", cafiles=[env.proxy.ca_pem], auth=("dave", "pw"))
    assert page.status == 200
    poll(lambda: count_rows(env.db_url, QuotaCharge, user_name="dave", rule="reddit-budget") == 1, timeout=10,
         what="the minute to be written")


def test_a_managers_adjustment_applies_to_their_group(env):
    def youtube(user: str):
        return https_via_proxy(env.port, "www.youtube.com", cafiles=[env.proxy.ca_pem], auth=(user, "pw"))
    assert "A moment before YouTube" in youtube("dave").text
    engine = create_engine(env.db_url)
    with Session(engine) as db:           # what the panel writes when the staff manager tightens the rule
        db.add(Adjustment(rule="staff-video", group_name="staff", action="block", set_by="mia"))
        db.commit()
    engine.dispose()
    poll(lambda: "YouTube is not available" in youtube("dave").text, timeout=8, interval=0.2,
         what="the adjustment to reach the proxy")
    assert "A moment before YouTube" in youtube("erin").text        # not in the group: unchanged


def test_a_failed_read_names_the_table_and_the_error_but_no_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'watercooler.db'}"
    failing = start_env(tmp_path, RULES, options={"proxyauth": "any", "watercooler_db": url})
    try:
        before = len(failing.proxy.log())
        engine = create_engine(url)
        with engine.begin() as conn:          # a table gone from under the proxy: every read fails
            conn.exec_driver_sql("ALTER TABLE grants RENAME TO grants_moved")
        engine.dispose()
        failing.proxy.wait_for_log("cannot read the panel's adjustments and grants", timeout=10, after=before)
    finally:
        failing.stop()
    logged = failing.proxy.log()[before:]
    # The read's parameter is the moment (the test clock's 2026-11-26 09:00 UTC): never in the log.
    assert "2026-11-26" not in logged and "09:00" not in logged
    assert "[SQL" not in logged and "parameters" not in logged and "Traceback" not in logged
    assert "(SELECT on grants: OperationalError: no such table: grants); keeping the last ones" in logged


@pytest.mark.postgres
def test_a_cut_database_connection_is_logged_as_what_failed_without_the_sql_or_its_data(pg_url, tmp_path):
    upgrade(pg_url)
    with database_outage(pg_url) as (proxy_url, relay):
        failing = start_env(tmp_path, RULES, options={"proxyauth": "any", "watercooler_db": proxy_url})
        try:
            assert facebook(failing, "alice").status == 403
            before = len(failing.proxy.log())
            relay.cut()                       # PostgreSQL's connections drop, new ones are refused
            failing.proxy.wait_for_log("cannot read the panel's adjustments and grants", timeout=15, after=before)
            relay.restore()
            failing.proxy.wait_for_log("panel overrides can be read again", timeout=15, after=before)
        finally:
            relay.restore()
            failing.stop()
    logged = failing.proxy.log()[before:]
    assert re.search(r"cannot read the panel's adjustments and grants \((connecting|SELECT on \w+): "
                     r"OperationalError: [^\n]+\); keeping the last ones", logged)
    assert logged.count("cannot read the panel's adjustments and grants") == 1
    # The read's parameter is the moment (the test clock's 2026-11-26 09:00 UTC): never in the log.
    assert "2026-11-26" not in logged and "alice" not in logged
    assert "[SQL" not in logged and "parameters" not in logged and "Traceback" not in logged
    assert "error ignored terminating" not in logged


def test_a_managers_tightening_closes_the_tunnels_it_no_longer_allows(env):
    def staff_video(action: str) -> None:
        engine = create_engine(env.db_url)
        with Session(engine) as db:       # what the panel writes when the staff manager changes the rule
            db.query(Adjustment).filter_by(rule="staff-video", group_name="staff").delete()
            db.add(Adjustment(rule="staff-video", group_name="staff", action=action, set_by="mia"))
            db.commit()
        engine.dispose()

    def tunnelled() -> bool:
        seen = https_via_proxy(env.port, "www.youtube.com", cafiles=[env.pki.ca_pem, env.proxy.ca_pem],
                               auth=("dave", "pw"))
        return seen.status == 200 and seen.cert_fingerprint == env.pki.fingerprint

    staff_video("allow")
    poll(tunnelled, timeout=8, interval=0.2, what="the loosened rule to reach the proxy")
    tunnel = keep_alive_tunnel(env.port, "www.youtube.com", env.pki.ca_pem, auth=("dave", "pw"))
    staff_video("block")
    poll(lambda: closed(tunnel), timeout=10, what="dave's open YouTube tunnel to be closed")
    tunnel.close()
    assert "the policy changed for www.youtube.com" in env.proxy.log()


def test_grants_outside_the_rules_bounds_are_left_out_by_the_proxy(env):
    engine = create_engine(env.db_url)
    with Session(engine) as db:           # rows no panel would write: past the 8 h bound, and to oneself
        db.add(Grant(user_name="bob", site="facebook", granted_by="carol",
                     starts_at=datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc),
                     expires_at=datetime(2026, 12, 26, 8, 0, tzinfo=timezone.utc)))
        db.add(Grant(user_name="erin", site="facebook", granted_by="erin",
                     starts_at=datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc),
                     expires_at=datetime(2026, 11, 26, 9, 30, tzinfo=timezone.utc)))
        db.commit()
    engine.dispose()
    poll(lambda: "panel override left out: grant of facebook to bob: rule no-facebook-at-work lets managers "
                 "grant for at most 8 hours" in env.proxy.log()
         and "panel override left out: grant of facebook to erin: erin cannot grant access to themselves"
         in env.proxy.log(), timeout=8, interval=0.2, what="the proxy to read and refuse the grants")
    assert facebook(env, "bob").status == 403
    assert facebook(env, "erin").status == 403
