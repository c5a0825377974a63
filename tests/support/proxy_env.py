"""One end-to-end set-up: local origins for the social sites, a rules folder, and a real mitmdump."""
from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

from tests.support.origin import Origin
from tests.support.proxy_process import ProxyProcess
from tests.support.tls_certs import TestPki, make_pki

# The names the origins answer for (and their certificate covers).
NAMES = ["www.facebook.com", "facebook.com", "static.fbcdn.net", "www.linkedin.com", "www.youtube.com",
         "www.reddit.com", "forum.corp.example", "www.example.org", "www.instagram.com", "vimeo.com"]

# A small policy for the proxy tests; tests do not depend on the sample rules' exact content.
TEST_RULES = """
version: 1
timezone: Europe/Berlin
categories:
  social: {label: Social media}
  video: {label: Video}
  community: {label: Our community, internal: true}
sites:
  facebook: {label: Facebook, category: social, domains: [facebook.com], bundle: [fbcdn.net]}
  instagram: {label: Instagram, category: social, domains: [instagram.com]}
  linkedin: {label: LinkedIn, category: social, domains: [linkedin.com]}
  youtube: {label: YouTube, category: video, domains: [youtube.com]}
  vimeo: {label: Vimeo, category: video, domains: [vimeo.com]}
  reddit: {label: Reddit, category: social, domains: [reddit.com]}
  forum: {label: Company forum, category: community, domains: [forum.corp.example]}
groups:
  comms: {members: [carol]}
schedules:
  lunch:
    - {days: daily, from: "12:00", to: "13:00"}
rules:
  - name: community-always-open
    sites: [category:community]
    action: allow
  - name: comms-run-our-accounts
    who: [group:comms]
    sites: [category:social, category:video]
    action: allow
  - name: social-at-lunch
    sites: [facebook, instagram]
    when: [lunch]
    action: allow
  - name: no-facebook-at-work
    sites: [facebook]
    action: block
    adjustable: {grant: {max: 8h}}
    message: Facebook opens at lunch <b>for everyone</b>.
  - name: linkedin-read-only
    sites: [linkedin]
    action: read-only
  - name: video-nudge
    sites: [youtube, vimeo]
    action: warn
    warn: {remember: 60}
  - name: reddit-budget
    sites: [reddit]
    action: quota
    quota: {minutes: 5, per: day}
default: allow
"""


@dataclass
class ProxyEnv:
    pki: TestPki
    http_origin: Origin
    https_origin: Origin
    rules: Path
    proxy: ProxyProcess
    db_url: str | None = None       # where usage is stored (None: in the proxy's memory)

    @property
    def port(self) -> int:
        return self.proxy.port

    def stop(self) -> None:
        self.proxy.stop()
        self.http_origin.close()
        self.https_origin.close()


def edited(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced by `new`; an edit that matches nothing would leave a test testing nothing."""
    assert old in text, f"the rules no longer contain {old!r}: update the test's edit"
    return text.replace(old, new)


# The test rules with Facebook allowed at all times (its blocking rule turned into an allow).
FACEBOOK_ALLOWED = edited(TEST_RULES, "    action: block\n    adjustable: {grant: {max: 8h}}\n    message: Facebook",
                          "    action: allow\n    message: Facebook")


def write_rules(folder: Path, text: str = TEST_RULES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "policy.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


# Logged by the usage writer once the schema is up to date (the proxy serves before that).
DATABASE_READY = "is ready (schema"


def start_env(workdir: Path, rules: str = TEST_RULES, options: dict | None = None,
              script: Path | None = None, wait_for_database: bool = True, program: str = "mitmdump",
              open_files: int | tuple[int, int] | None = None) -> ProxyEnv:
    """Origins and a proxy; with `watercooler_db` set, also waits until its database is ready.
    `open_files` lowers the proxy's open-file limit (`ProxyProcess`)."""
    pki = make_pki(workdir / "pki", NAMES)
    http_origin, https_origin = Origin(), Origin(str(pki.cert_pem), str(pki.key_pem))
    folder = write_rules(workdir / "rules", rules)
    try:
        proxy = ProxyProcess(workdir, {
            "watercooler_rules": str(folder),
            "watercooler_map_hosts": [f"*:80=127.0.0.1:{http_origin.port}", f"*:443=127.0.0.1:{https_origin.port}"],
            "ssl_verify_upstream_trusted_ca": str(pki.ca_pem),
            "watercooler_test_clock": "2026-11-26T10:00:00+01:00",   # a Thursday morning in Berlin
            "watercooler_panel_url": "https://panel.corp.example",
            **(options or {}),
        }, program=program, open_files=open_files, **({"script": script} if script else {}))
        if (options or {}).get("watercooler_db") and wait_for_database:
            proxy.wait_for_log(DATABASE_READY, timeout=30)
    except BaseException:
        if "proxy" in locals():
            proxy.stop()
        http_origin.close()
        https_origin.close()
        raise
    return ProxyEnv(pki, http_origin, https_origin, folder, proxy)


def start_metered(workdir: Path, rules: str, speed: float, program: str = "mitmdump") -> ProxyEnv:
    """A proxy with logins (any password), usage stored in SQLite, and a clock `speed` times fast."""
    url = f"sqlite:///{workdir / 'watercooler.db'}"
    previous = os.environ.get("WATERCOOLER_DATA")
    os.environ["WATERCOOLER_DATA"] = str(workdir / "data")          # the proxy's spool, inherited at start
    try:
        env = start_env(workdir / "proxy", rules, {"proxyauth": "any", "watercooler_db": url,
                                                   "watercooler_test_clock": f"2026-11-26T10:00:00+01:00x{speed}"},
                        program=program)
    finally:
        if previous is None:
            del os.environ["WATERCOOLER_DATA"]
        else:
            os.environ["WATERCOOLER_DATA"] = previous
    env.db_url = url
    return env


def charged_minutes(env: ProxyEnv, user: str, rule: str) -> int:
    """Minutes charged to `user` under quota `rule`, read once the proxy has stopped (its spool written)."""
    from storage.usage.tables import QuotaCharge
    from tests.support.databases import count_rows

    env.stop()
    assert env.db_url is not None
    return count_rows(env.db_url, QuotaCharge, user_name=user, rule=rule)
