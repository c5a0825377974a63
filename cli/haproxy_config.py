"""The remote endpoint's HAProxy configuration: TLS from browsers, plain TCP to login-only proxy ports.

Browsers configured with a PAC `HTTPS host:port` entry (a "secure web proxy") open TLS to HAProxy and
speak the ordinary proxy protocol inside it (CONNECT, absolute-form requests, Proxy-Authorization), so
passwords never cross the internet in clear. HAProxy relays the decrypted bytes as they are (TCP mode,
no PROXY protocol: mitmproxy does not read it) to proxies started with `--login-only`, balancing on
open connections: no identity by address is possible behind it, so none is lost. It logs nothing
(client addresses stay out of logs, as docs/privacy.md promises) and offers HTTP/1.1 only (ALPN).
The certificate and key stay where the admin keeps them: HAProxy reads the key from `CRT.key`, a link.
"""
from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from storage.privacy.private import private_folder

TEMPLATE = """\
# Written by `watercooler remote-endpoint` on every start: edits here are overwritten.
global
    maxconn {maxconn}
    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets

defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h

frontend remote_staff
    bind {listen} ssl crt {crt} alpn http/1.1
    default_backend watercooler_login_only

backend watercooler_login_only
    balance leastconn
{servers}
"""


class CertificateProblem(ValueError):
    """The certificate or key cannot serve the endpoint: the message names the file and the fix."""


def check_pair(cert: Path, key: Path) -> None:
    """CertificateProblem unless `cert` holds a PEM certificate and `key` the private key that matches it."""
    try:
        leaf = x509.load_pem_x509_certificates(cert.read_bytes())[0]
    except OSError as exc:
        raise CertificateProblem(f"{cert}: cannot read the certificate ({exc.strerror or exc})") from None
    except ValueError:
        raise CertificateProblem(f"{cert}: not a PEM certificate (-----BEGIN CERTIFICATE-----); give the "
                                 "endpoint's certificate, followed by its intermediates") from None
    try:
        private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    except OSError as exc:
        raise CertificateProblem(f"{key}: cannot read the private key ({exc.strerror or exc})") from None
    except (ValueError, TypeError):
        raise CertificateProblem(f"{key}: not an unencrypted PEM private key; give the key of {cert} "
                                 "(HAProxy cannot ask for a passphrase)") from None
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if private.public_key().public_bytes(serialization.Encoding.PEM, public) != \
            leaf.public_key().public_bytes(serialization.Encoding.PEM, public):
        raise CertificateProblem(f"{key} is not the private key of the certificate in {cert}: give the matching pair")


def write_config(folder: Path, listen: tuple[str, int], cert: Path, key: Path,
                 upstreams: list[tuple[str, int]], maxconn: int = 20000) -> Path:
    """Write `folder/haproxy.cfg` (and the links HAProxy reads the pair through); return its path."""
    private_folder(folder)
    crt = folder / "endpoint.pem"
    for link, target in ((crt, cert), (folder / "endpoint.pem.key", key)):
        link.unlink(missing_ok=True)
        link.symlink_to(target.resolve())
    servers = "\n".join(f"    server proxy{number} {_address(host, port)} check inter 2s"
                        for number, (host, port) in enumerate(upstreams, 1))
    config = folder / "haproxy.cfg"
    config.write_text(TEMPLATE.format(maxconn=maxconn, listen=_address(*listen), crt=crt, servers=servers),
                      encoding="utf-8")
    return config


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
