"""/proxy.pac evaluated for real (pacparser's JavaScript engine, as browsers run it): office clients go to their
worker of the office proxy, then the next worker, then the fallback proxy; everyone else to the remote endpoint
and its fallback; the community stays reachable when every proxy fails; the last resort is the admin's choice."""
from __future__ import annotations

import pytest

from tests.support.pac import find_proxy
from tests.web.conftest import make_app

RULES = """\
version: 1
timezone: Europe/Berlin
categories:
  social: {label: Social media}
  community: {label: Our community, internal: true}
sites:
  facebook: {label: Facebook, category: social, domains: [facebook.com]}
  forum: {label: Company forum, category: community, domains: [forum.corp.example]}
networks:
  head-office: [10.1.0.0/16, "fd00:1::/48"]
  guest-wifi: [10.20.0.0/16]
rules:
  - name: no-facebook
    sites: [facebook]
    action: block
default: allow
"""
OFFICE = ["PROXY proxy.corp.example:8080", "PROXY proxy.corp.example:8081",
          "PROXY proxy2.corp.example:8080", "PROXY proxy2.corp.example:8081"]


@pytest.fixture
def pac_app(tmp_path, password_hash):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "policy.yaml").write_text(RULES, encoding="utf-8")
    app = make_app(tmp_path, password_hash, rules=rules)
    app.config.update(PROXY_ADDRESS="proxy.corp.example:8080", PROXY_WORKERS=2,
                      PROXY_FALLBACK="proxy2.corp.example:8080", REMOTE_PROXY="remote.corp.example:8443",
                      REMOTE_FALLBACK="remote2.corp.example:8443", PAC_DIRECT=["intranet.corp.example"])
    return app


def answer(app, url: str, client_ip: str) -> list[str]:
    response = app.test_client().get("/proxy.pac")
    assert response.status_code == 200, response.get_data(as_text=True)
    return find_proxy(response.get_data(as_text=True), url, client_ip)


def test_office_clients_use_their_worker_then_the_next_then_the_fallback_proxy(pac_app):
    chains = {ip: answer(pac_app, "https://www.facebook.com/", ip) for ip in
              [f"10.1.{a}.{b}" for a in range(3) for b in range(1, 6)] + ["10.20.7.7"]}
    for chain in chains.values():
        assert sorted(chain) == sorted(OFFICE)                       # closed: no DIRECT at the end
        assert chain[0].split()[1].split(":")[0] == "proxy.corp.example" and chain[0] != chain[1]
        assert chain[2].split(":")[1] == chain[0].split(":")[1]       # the same worker on the fallback node
    assert {chain[0] for chain in chains.values()} == set(OFFICE[:2])   # clients are spread over both workers
    again = answer(pac_app, "https://www.facebook.com/", "10.1.0.1")
    assert again == chains["10.1.0.1"]                                 # and each keeps to its own


def test_everyone_else_goes_to_the_remote_endpoint_over_tls(pac_app):
    assert answer(pac_app, "https://www.facebook.com/", "192.168.1.20") == \
        ["HTTPS remote.corp.example:8443", "HTTPS remote2.corp.example:8443"]


def test_the_community_stays_reachable_and_the_last_resort_is_the_admins_choice(pac_app):
    assert answer(pac_app, "https://forum.corp.example/t/1", "192.168.1.20")[-1] == "DIRECT"
    assert answer(pac_app, "https://forum.corp.example/t/1", "10.1.0.9")[-1] == "DIRECT"
    assert answer(pac_app, "http://intranet.corp.example/", "10.1.0.9") == ["DIRECT"]
    assert answer(pac_app, "http://wiki/", "10.1.0.9") == ["DIRECT"]
    pac_app.config["PAC_LAST_RESORT"] = "DIRECT"
    assert answer(pac_app, "https://www.facebook.com/", "192.168.1.20")[-1] == "DIRECT"
    assert answer(pac_app, "https://www.facebook.com/", "10.1.0.9")[-1] == "DIRECT"


def test_only_the_networks_named_count_as_the_office(pac_app):
    pac_app.config["PAC_OFFICE_NETWORKS"] = ["head-office"]
    assert answer(pac_app, "https://www.facebook.com/", "10.20.7.7")[0] == "HTTPS remote.corp.example:8443"
    assert answer(pac_app, "https://www.facebook.com/", "10.1.7.7")[0].startswith("PROXY proxy.corp.example:")


def test_without_a_remote_endpoint_everyone_uses_the_office_proxy(pac_app):
    pac_app.config.update(REMOTE_PROXY=None, REMOTE_FALLBACK=None, PROXY_FALLBACK=None, PROXY_WORKERS=1)
    assert answer(pac_app, "https://www.facebook.com/", "192.168.1.20") == ["PROXY proxy.corp.example:8080"]


@pytest.mark.parametrize("setting, value, says", [
    ("PAC_LAST_RESORT", "maybe", "WATERCOOLER_PAC_LAST_RESORT is 'maybe': set DIRECT"),
    ("PAC_OFFICE_NETWORKS", ["hq"], "names hq, which the rules do not define; the rules' networks are: guest-wifi"),
    ("PROXY_WORKERS", 0, "WATERCOOLER_PROXY_WORKERS is 0"),
])
def test_a_setting_that_cannot_be_used_is_named_with_its_fix(pac_app, setting, value, says):
    pac_app.config[setting] = value
    response = pac_app.test_client().get("/proxy.pac")
    assert response.status_code == 500 and says in response.get_data(as_text=True)
    assert "FindProxyForURL" not in response.get_data(as_text=True)
