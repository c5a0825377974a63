"""Directory groups on a running `watercooler proxy`: a move between teams takes effect without a restart,
and a directory that stops keeps the last memberships."""
from __future__ import annotations

import pytest

from tests.support.cli_run import watercooler
from tests.support.net import poll
from tests.support.proxy_clients import https_via_proxy
from tests.support.proxy_env import TEST_RULES, start_env
from tests.support.slapd import group_dn, person_dn

pytestmark = pytest.mark.e2e
# comms (allowed on social media at work) is the directory's marketing group, plus carol as listed.
RULES = TEST_RULES.replace("  comms: {members: [carol]}\n",
                           f'  comms: {{directory: "{group_dn("marketing").upper()}", members: [carol]}}\n')


def facebook(env, user: str) -> int:
    return https_via_proxy(env.port, "www.facebook.com", cafiles=[env.pki.ca_pem, env.proxy.ca_pem],
                           auth=(user, "pw")).status


def test_a_move_between_teams_reaches_the_running_proxy_and_an_outage_keeps_the_last_groups(
        slapd, tmp_path, monkeypatch):
    for name, value in slapd.env().items():
        monkeypatch.setenv(name, value)          # inherited by the proxy and the CLI, as an admin sets them
    url = f"sqlite:///{tmp_path / 'watercooler.db'}"
    env = start_env(tmp_path, RULES, {"proxyauth": "any", "watercooler_db": url}, program="watercooler")
    try:
        env.proxy.wait_for_log("directory groups in force", timeout=30)   # synced at start
        assert f"directory groups from {slapd.url} (starttls)" in env.proxy.log()
        assert facebook(env, "alice.krueger") == 200          # marketing, in the directory
        assert facebook(env, "ivan.horvat") == 200            # marketing-interns, nested in marketing
        assert facebook(env, "carol") == 200                  # listed in the rules
        assert facebook(env, "emma.schulz") == 403            # sales
        assert facebook(env, "someone.new") == 403            # unknown to the directory: no more access

        slapd.modify(f"dn: {group_dn('sales')}\nchangetype: modify\ndelete: member\n"
                     f"member: {person_dn('emma.schulz')}\n\n"
                     f"dn: {group_dn('marketing')}\nchangetype: modify\ndelete: member\n"
                     f"member: {person_dn('alice.krueger')}\n-\nadd: member\nmember: {person_dn('emma.schulz')}\n")
        synced = watercooler("directory", "sync", "--db", url)
        assert synced.returncode == 0, synced.stderr
        poll(lambda: facebook(env, "emma.schulz") == 200, timeout=15, interval=0.3,
             what="the move to reach the running proxy")
        assert facebook(env, "alice.krueger") == 403

        slapd.stop()
        failed = watercooler("directory", "sync", "--db", url)
        assert failed.returncode == 1 and "cannot reach the directory" in failed.stderr
        assert facebook(env, "emma.schulz") == 200 and facebook(env, "alice.krueger") == 403
        assert env.proxy.process.poll() is None
    finally:
        env.stop()


def test_without_a_database_the_proxy_reads_the_directory_itself(slapd, tmp_path, monkeypatch):
    for name, value in slapd.env(REFRESH="1").items():
        monkeypatch.setenv(name, value)
    env = start_env(tmp_path, RULES, {"proxyauth": "any"})
    try:
        env.proxy.wait_for_log("directory groups in force", timeout=30)
        assert facebook(env, "alice.krueger") == 200 and facebook(env, "emma.schulz") == 403
        slapd.modify(f"dn: {group_dn('marketing')}\nchangetype: modify\nadd: member\n"
                     f"member: {person_dn('emma.schulz')}\n")
        poll(lambda: facebook(env, "emma.schulz") == 200, timeout=15, interval=0.3,
             what="the proxy to read the directory again")
    finally:
        env.stop()
