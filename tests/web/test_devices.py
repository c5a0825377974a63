"""/proxy.pac: public, names the proxy, sends loopback and configured domains direct, injects nothing."""
import json


def test_the_pac_file_names_the_proxy_and_needs_no_sign_in(client):
    response = client.get("/proxy.pac", base_url="http://panel.corp.example:8081")
    assert response.status_code == 200
    assert response.mimetype == "application/x-ns-proxy-autoconfig"
    body = response.get_data(as_text=True)
    assert "function FindProxyForURL(url, host)" in body
    assert 'return "PROXY panel.corp.example:8080";' in body
    assert 'var direct = [];' in body


def test_settings_choose_the_address_and_the_direct_domains(app, client):
    app.config.update(PROXY_ADDRESS="proxy.corp.example:3128", PAC_DIRECT=["Intranet.corp.example."])
    body = client.get("/proxy.pac").get_data(as_text=True)
    assert 'return "PROXY proxy.corp.example:3128";' in body
    assert 'var direct = ["intranet.corp.example"];' in body


def test_values_cannot_break_out_of_their_strings(app, client):
    app.config.update(PROXY_ADDRESS='x"; alert(1); "', PAC_DIRECT=['a"];alert(2);//'])
    body = client.get("/proxy.pac").get_data(as_text=True)
    assert f"return {json.dumps('PROXY x\"; alert(1); \"')};" in body
    assert 'alert(1); "";' not in body and '"a\\"];alert(2);//"' in body


def test_ipv6_hosts_are_bracketed(client):
    body = client.get("/proxy.pac", base_url="http://[::1]:8081").get_data(as_text=True)
    assert 'return "PROXY [::1]:8080";' in body
