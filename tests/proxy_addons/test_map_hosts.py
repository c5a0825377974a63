import pytest
from mitmproxy import connection
from mitmproxy.proxy import server_hooks
from mitmproxy.test import tflow

from proxy_addons.map_hosts import HostMapper, parse_map


def test_entries_map_names_and_ports():
    mapping = parse_map(["WWW.Facebook.com:443=127.0.0.1:8443", "*:80=127.0.0.1:8080"])
    assert mapping == {("www.facebook.com", 443): ("127.0.0.1", 8443), ("*", 80): ("127.0.0.1", 8080)}


@pytest.mark.parametrize("entry", ["facebook.com", "facebook.com=127.0.0.1", "x:y=127.0.0.1:80"])
def test_bad_entries_say_how_to_write_them(entry):
    with pytest.raises(ValueError, match=r"write HOST\[:PORT\]=IP:PORT"):
        parse_map([entry])


def test_the_real_name_is_restored_once_connected():
    mapper = HostMapper()
    mapper.mapping = parse_map(["*:443=127.0.0.1:8443"])
    server = connection.Server(address=("www.facebook.com", 443))
    data = server_hooks.ServerConnectionHookData(server=server, client=tflow.tclient_conn())
    mapper.server_connect(data)
    assert server.address == ("127.0.0.1", 8443)
    server.state = connection.ConnectionState.OPEN
    mapper.server_connected(data)
    assert server.address == ("www.facebook.com", 443)
