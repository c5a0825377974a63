"""mitmproxy options that would let traffic past Watercooler: refused at start, or switched to a safe value."""
from __future__ import annotations

import logging

import pytest
from mitmproxy import exceptions
from mitmproxy.addons import maplocal, mapremote, modifyheaders, proxyserver
from mitmproxy.test import taddons

from proxy_addons.addon import Watercooler
from tests.support.cli_run import RULES, watercooler
from tests.support.net import free_port
from tests.support.proxy_clients import http_via_proxy, https_via_proxy
from tests.support.proxy_env import start_env, write_rules
from tests.support.ws_client import WsClient


@pytest.fixture
def tctx(tmp_path):
    addon = Watercooler()
    with taddons.context(proxyserver.Proxyserver(), mapremote.MapRemote(), maplocal.MapLocal(),
                          modifyheaders.ModifyHeaders(), addon) as context:
        context.configure(addon, confdir=str(tmp_path / "conf"), watercooler_rules=str(write_rules(tmp_path / "r")),
                          watercooler_test_clock="2026-11-26T10:00:00+01:00")
        yield context, addon


@pytest.mark.parametrize("option, value, words", [
    ("ignore_hosts", [r".*\.facebook\.com"], "ignore_hosts is not allowed with Watercooler: it relays matching"),
    ("allow_hosts", [r"example\.org"], "allow_hosts is not allowed with Watercooler: it relays every other"),
    ("tcp_hosts", [".*"], "tcp_hosts is not allowed with Watercooler: it turns matching connections into raw TCP"),
    ("udp_hosts", [".*"], "udp_hosts is not allowed with Watercooler"),
    ("map_remote", ["|example.org|facebook.com"], "map_remote is not allowed with Watercooler: it sends requests "
                                                  "to another host after"),
    ("modify_headers", ["/~q/Host/www.facebook.com"], "modify_headers '/~q/Host/www.facebook.com' is not allowed "
                                                      "with Watercooler: it rewrites the Host header"),
    ("modify_headers", ["|~q|host|"], "modify_headers '|~q|host|' is not allowed"),
    ("mode", ["socks5"], "mode 'socks5': Watercooler decides web traffic as an HTTP proxy only"),
    ("mode", ["regular", "transparent@8081"], "mode 'transparent@8081'"),
    ("mode", ["wireguard"], "wireguard mode carries traffic it does not decide .* Remove the mode setting"),
])
def test_options_that_bypass_the_decision_are_refused_with_the_fix(tctx, option, value, words):
    context, addon = tctx
    with pytest.raises(exceptions.OptionsError, match=words.replace("|", r"\|")):
        context.configure(addon, **{option: value})
    assert getattr(context.options, option) != value          # the whole change was rolled back


def test_regular_mode_on_several_ports_is_fine(tctx):
    context, addon = tctx
    context.configure(addon, mode=["regular", "regular@8081"])


def test_modify_headers_for_other_headers_is_fine(tctx):
    context, addon = tctx
    context.configure(addon, modify_headers=["/~q/X-Hostname/proxy-1", "/~s/Server/"])


@pytest.mark.parametrize("option, value, safe", [
    ("connection_strategy", "eager", "lazy"),
    ("validate_inbound_headers", False, True),
    ("websocket", False, True),
])
def test_options_with_a_safe_value_are_switched_to_it_with_a_warning(tctx, caplog, option, value, safe):
    context, addon = tctx
    with caplog.at_level(logging.WARNING, logger="watercooler"):
        context.configure(addon, **{option: value})
    assert getattr(context.options, option) == safe
    assert f"{option}={value} is switched to {safe}" in caplog.text


@pytest.mark.e2e
def test_mitmdump_refuses_to_start_with_a_bypass(tmp_path):
    with pytest.raises(AssertionError, match="ignore_hosts is not allowed with Watercooler") as refused:
        start_env(tmp_path, options={"ignore_hosts": r".*\.facebook\.com"})
    assert "mitmdump exited" in str(refused.value)


@pytest.mark.e2e
@pytest.mark.parametrize("setting, words", [
    ("mode=socks5", "mode 'socks5': Watercooler decides web traffic as an HTTP proxy only"),
    (r"ignore_hosts=.*\.facebook\.com", "ignore_hosts is not allowed with Watercooler"),
    (r"allow_hosts=example\.org", "allow_hosts is not allowed with Watercooler"),
    ("tcp_hosts=.*", "tcp_hosts is not allowed with Watercooler"),
    ("udp_hosts=.*", "udp_hosts is not allowed with Watercooler"),
    ("map_remote=|example.org|facebook.com", "map_remote is not allowed with Watercooler"),
    ("modify_headers=/~q/Host/www.facebook.com", "it rewrites the Host header after Watercooler has decided"),
])
def test_watercooler_proxy_refuses_to_start_with_a_bypass(tmp_path, setting, words):
    done = watercooler("proxy", "--rules", str(RULES), "--listen", f"127.0.0.1:{free_port()}", "--set", setting,
                       env={"WATERCOOLER_DATA": str(tmp_path)})
    assert done.returncode == 2
    assert words in done.stdout + done.stderr and "Traceback" not in done.stdout + done.stderr


@pytest.fixture(scope="module", params=["mitmdump", "watercooler"])
def unsafe_env(tmp_path_factory, request):
    workdir = tmp_path_factory.mktemp("unsafe")
    options = {"validate_inbound_headers": "false", "websocket": "false"}
    if request.param == "mitmdump":
        # Eager set the way many installations set options: mitmproxy's config.yaml in the confdir.
        (workdir / "confdir").mkdir()
        (workdir / "confdir" / "config.yaml").write_text("connection_strategy: eager\n")
    else:                                         # `watercooler proxy` reads no config.yaml: a flag
        options["connection_strategy"] = "eager"
    env = start_env(workdir, options=options, program=request.param)
    yield env
    env.stop()


@pytest.mark.e2e
def test_eager_however_set_never_contacts_a_blocked_site(unsafe_env):
    unsafe_env.https_origin.clear()
    seen = https_via_proxy(unsafe_env.port, "www.facebook.com", cafiles=[unsafe_env.proxy.ca_pem])
    assert seen.status == 403 and "Facebook is closed right now" in seen.text
    assert unsafe_env.https_origin.accepted == 0
    assert "connection_strategy=eager is switched to lazy" in unsafe_env.proxy.log()


@pytest.mark.e2e
def test_a_request_with_ambiguous_framing_never_smuggles_a_second_one(unsafe_env):
    unsafe_env.http_origin.clear()
    hidden = b"GET http://www.facebook.com/ HTTP/1.1\r\nHost: www.facebook.com\r\n\r\n"
    answer = http_via_proxy(unsafe_env.port,
                            b"POST http://www.example.org/ HTTP/1.1\r\nHost: www.example.org\r\n"
                            b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" % len(hidden) + hidden)
    assert answer.status == 400
    assert unsafe_env.http_origin.seen_for("www.facebook.com") == []


@pytest.mark.e2e
def test_websocket_messages_are_still_decided(unsafe_env):
    client = WsClient(unsafe_env.port, "www.example.org")
    assert client.status == 101
    client.send("hello")
    assert client.receive() == "echo: hello"
    client.close()
    assert "websocket=False is switched to True" in unsafe_env.proxy.log()


@pytest.mark.e2e
def test_watercooler_proxy_with_eager_and_streaming_set_still_decides_first(tmp_path):
    env = start_env(tmp_path, options={"connection_strategy": "eager", "stream_large_bodies": "1m"},
                    program="watercooler")
    try:
        body = b"x" * (2 * 1024 * 1024)
        seen = https_via_proxy(env.port, "www.facebook.com", "/up", cafiles=[env.proxy.ca_pem], method="POST",
                               body=body)
        assert seen.status == 403 and "Facebook is closed right now" in seen.text
        assert env.https_origin.accepted == 0
        log = env.proxy.log()
        assert "connection_strategy=eager is switched to lazy" in log
        assert "stream_large_bodies=1m: Watercooler streams bodies over 1m itself" in log
    finally:
        env.stop()
