"""A real OpenLDAP server for tests: slapd on a free loopback port, StartTLS with a throw-away CA.

`Slapd.start(folder)` writes a slapd.conf (mdb database in `folder`, run as the current user), starts
slapd in the foreground on `ldap://127.0.0.1:PORT/`, waits until it answers, and loads the small
Northwind directory below. `stop()` ends it; `start_again()` brings the same database back.
"""
from __future__ import annotations

import base64
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.net import free_port, poll, port_open
from tests.support.tls_certs import make_pki

SUFFIX = "dc=northwind,dc=example"
ROOT_DN, ROOT_PASSWORD = f"cn=admin,{SUFFIX}", "root-secret"
SERVICE_DN, SERVICE_PASSWORD = f"cn=watercooler,ou=services,{SUFFIX}", "service-secret"
GROUPS, PEOPLE = f"ou=groups,{SUFFIX}", f"ou=people,{SUFFIX}"
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")

# group -> (people by uid, nested groups by cn)
NORTHWIND = {
    "marketing": (["alice.krueger", "bob.hartmann", "nora.lange"], ["marketing-interns"]),
    "marketing-interns": (["ivan.horvat"], []),
    "sales": (["emma.schulz", "tobias.wagner", "noah.fischer"], []),
    "staff": (["katrin.vogel"], ["marketing", "sales"]),
    "watercooler-admins": (["katrin.vogel"], []),
}


def person_dn(uid: str) -> str:
    return f"uid={uid},{PEOPLE}"


def group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS}"


def password_of(uid: str) -> str:
    return f"pw-{uid}-Northwind!"


def line(attribute: str, value: str) -> str:
    """One LDIF line; values that are not plain ASCII are written in base64, as LDIF requires."""
    if value.isascii():
        return f"{attribute}: {value}\n"
    return f"{attribute}:: {base64.b64encode(value.encode()).decode()}\n"


def person_ldif(uid: str, mail: str | None = None) -> str:
    given, _, family = uid.partition(".")
    return (line("dn", person_dn(uid)) + "objectClass: inetOrgPerson\n" + line("uid", uid)
            + line("cn", f"{given.title()} {family.title()}") + line("sn", family.title() or given)
            + line("mail", mail or uid + "@northwind.example") + line("userPassword", password_of(uid)) + "\n")


def group_ldif(cn: str, people: list[str], groups: list[str], extra: list[str] = ()) -> str:
    members = [person_dn(uid) for uid in people] + [group_dn(g) for g in groups] + list(extra)
    lines = [f"dn: {group_dn(cn)}", "objectClass: groupOfNames", f"cn: {cn}"]
    return "\n".join(lines) + "\n" + "".join(line("member", dn) for dn in members or [f"cn=nobody,{SUFFIX}"]) + "\n"


def northwind_ldif() -> str:
    text = (f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: northwind\no: Northwind\n\n"
            + "".join(f"dn: ou={ou},{SUFFIX}\nobjectClass: organizationalUnit\nou: {ou}\n\n"
                      for ou in ("people", "groups", "services"))
            + f"dn: {SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
              f"cn: watercooler\nuserPassword: {SERVICE_PASSWORD}\n\n")
    people = sorted({uid for members, _ in NORTHWIND.values() for uid in members})
    text += "".join(person_ldif(uid) for uid in people)
    return text + "".join(group_ldif(cn, members, nested) for cn, (members, nested) in NORTHWIND.items())


@dataclass
class Slapd:
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"ldap://localhost:{self.port}"   # the name in the certificate; localhost is loopback

    @property
    def ca_file(self) -> Path:
        return self.folder / "tls" / "origin-ca.pem"

    def env(self, **more: str) -> dict[str, str]:
        """`WATERCOOLER_DIRECTORY_*` variables for this server (StartTLS, the service account)."""
        password = self.folder / "bind-password"
        password.write_text(SERVICE_PASSWORD + "\n", encoding="utf-8")
        settings = {"URL": self.url, "BIND_DN": SERVICE_DN, "PASSWORD_FILE": str(password), "GROUP_BASE": GROUPS,
                    "USER_BASE": PEOPLE, "CA_FILE": str(self.ca_file), "TIMEOUT": "3",
                    "ADMIN_GROUP": group_dn("watercooler-admins")} | more
        return {f"WATERCOOLER_DIRECTORY_{key}": value for key, value in settings.items()}

    def start(self) -> Slapd:
        pki = make_pki(self.folder / "tls", ["localhost"])
        (self.folder / "db").mkdir(parents=True, exist_ok=True)
        conf = "".join(f"include /etc/ldap/schema/{name}.schema\n" for name in SCHEMAS) + f"""
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {self.folder}/slapd.pid
TLSCACertificateFile {pki.ca_pem}
TLSCertificateFile {pki.cert_pem}
TLSCertificateKeyFile {pki.key_pem}
sizelimit unlimited
database mdb
maxsize 268435456
dbnosync
suffix "{SUFFIX}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PASSWORD}
directory {self.folder}/db
access to attrs=userPassword by anonymous auth by self read by * none
access to * by users read by * none
"""
        (self.folder / "slapd.conf").write_text(conf, encoding="utf-8")
        self.start_again()
        self.load(northwind_ldif())
        return self

    def start_again(self) -> None:
        with open(self.folder / "slapd.log", "ab") as log:   # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [shutil.which("slapd") or "/usr/sbin/slapd", "-f", str(self.folder / "slapd.conf"),
                 "-h", f"ldap://127.0.0.1:{self.port}/", "-d", "0"], stdout=subprocess.DEVNULL, stderr=log)
        poll(lambda: port_open(self.port) or self.process.poll() is not None, timeout=20, what="slapd to listen")
        if self.process.poll() is not None:
            raise RuntimeError("slapd did not start:\n" + (self.folder / "slapd.log").read_text(errors="replace"))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def load(self, ldif: str) -> None:
        self._run("ldapadd", ldif)

    def modify(self, ldif: str) -> None:
        self._run("ldapmodify", ldif)

    def _run(self, tool: str, ldif: str) -> None:
        env = os.environ | {"LDAPTLS_CACERT": str(self.ca_file)}
        done = subprocess.run([tool, "-x", "-ZZ", "-H", f"ldap://127.0.0.1:{self.port}/", "-D", ROOT_DN,
                               "-w", ROOT_PASSWORD],
                              input=ldif, text=True, capture_output=True, env=env, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}")


@pytest.fixture
def slapd(tmp_path_factory) -> Iterator[Slapd]:
    """A running slapd with the Northwind directory, stopped after the test."""
    server = Slapd(tmp_path_factory.mktemp("slapd")).start()
    try:
        yield server
    finally:
        server.stop()
