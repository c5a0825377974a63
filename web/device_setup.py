"""The device page (`/devices`) and the files it offers: Apple profiles, Chrome/Edge and Firefox policies.

Public, like `/proxy.pac` and `/ca.pem`: a phone opens it before its proxy works, and nothing on it is
personal. Every file names the PAC file at `PANEL_URL` (never the request's Host header, which anyone can
forge); without `PANEL_URL`, or before the proxy has made its CA, the files are a 404 saying what is missing.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template

from web import device_profiles
from web.devices import NotACertificate, ca_certificate, read_ca

bp = Blueprint("device_setup", __name__, url_prefix="/devices")
MOBILECONFIG = "application/x-apple-aspen-config"


class DeviceFilesUnavailable(Exception):
    """What an admin must set or start before device files can be made."""


def _inputs() -> tuple[bytes, str]:
    panel = str(current_app.config.get("PANEL_URL") or "").strip()
    if not panel.startswith(("https://", "http://")):
        raise DeviceFilesUnavailable("Set WATERCOOLER_PANEL_URL to the panel's address as devices reach it "
                                     "(e.g. https://watercooler.corp.example/): the files name its /proxy.pac.")
    path = ca_certificate()
    if not path.is_file():
        raise DeviceFilesUnavailable(f"The proxy's CA certificate is not there yet ({path}): start "
                                     "'watercooler proxy' once, or set CA_CERT.")
    return read_ca(path), panel.rstrip("/") + "/proxy.pac"


def _file(body: bytes | str, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(DeviceFilesUnavailable)
def unavailable(problem: DeviceFilesUnavailable):
    return Response(f"{problem}\n", status=404, mimetype="text/plain")


@bp.get("")
def page():
    try:
        _, pac_url = _inputs()
        missing = None
    except (DeviceFilesUnavailable, NotACertificate) as problem:
        pac_url, missing = None, str(problem)
    return render_template("devices.html", pac_url=pac_url, missing=missing,
                           wifi=current_app.config.get("DEVICE_WIFI_SSID"))


@bp.get("/watercooler.mobileconfig")
def apple_profile():
    ca, pac_url = _inputs()
    body = device_profiles.apple_profile(ca, pac_url, _organisation(), current_app.config.get("DEVICE_WIFI_SSID"))
    return _file(body, MOBILECONFIG, "watercooler.mobileconfig")


@bp.get("/watercooler-supervised.mobileconfig")
def apple_supervised_profile():
    ca, pac_url = _inputs()
    return _file(device_profiles.apple_profile(ca, pac_url, _organisation(), supervised=True), MOBILECONFIG,
                 "watercooler-supervised.mobileconfig")


@bp.get("/chrome-policy.json")
def chrome_policy():
    ca, pac_url = _inputs()
    return _file(json.dumps(device_profiles.chrome_policy(ca, pac_url), indent=2) + "\n", "application/json",
                 "watercooler.json")


@bp.get("/firefox-policies.json")
def firefox_policies():
    _, pac_url = _inputs()
    return _file(json.dumps(device_profiles.firefox_policies(pac_url), indent=2) + "\n", "application/json",
                 "policies.json")


def _organisation() -> str:
    return str(current_app.config.get("ORGANISATION") or "Watercooler")
