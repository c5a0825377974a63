"""End-to-end fixtures: one real proxy (with its origins) per test module.

A module may set `PROXY_RULES` (policy YAML), `PROXY_OPTIONS` (extra mitmproxy options) and
`PROXY_PROGRAMS`: the ways to run the proxy its tests go through, each test once per way ("watercooler"
is `watercooler proxy`, the addon in-process at the end of mitmproxy's chain; "mitmdump" is
`mitmdump -s proxy_addons/watercooler.py`, the script in the middle of it). Default: mitmdump only.
"""
from __future__ import annotations

import pytest

from tests.support.proxy_env import TEST_RULES, ProxyEnv, start_env, start_metered

# The test policy with a Reddit budget large enough to measure what an hour of use costs.
METERED_RULES = TEST_RULES.replace("quota: {minutes: 5, per: day}", "quota: {minutes: 600, per: day}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    programs = getattr(metafunc.module, "PROXY_PROGRAMS", None)
    own = any("program" in str(mark.args[0]) for mark in metafunc.definition.iter_markers("parametrize"))
    if programs and "program" in metafunc.fixturenames and not own:
        metafunc.parametrize("program", programs, scope="module")


@pytest.fixture(scope="module")
def program() -> str:
    """How the module's proxy runs (see `PROXY_PROGRAMS`)."""
    return "mitmdump"


@pytest.fixture(scope="module")
def env(tmp_path_factory, request, program: str) -> ProxyEnv:
    rules = getattr(request.module, "PROXY_RULES", TEST_RULES)
    options = getattr(request.module, "PROXY_OPTIONS", {})
    started = start_env(tmp_path_factory.mktemp("proxy"), rules, options, program=program)
    yield started
    started.stop()


@pytest.fixture
def origins(env: ProxyEnv) -> ProxyEnv:
    """The module's proxy with both origins' request records cleared."""
    env.http_origin.clear()
    env.https_origin.clear()
    return env


@pytest.fixture
def metered(tmp_path, program: str):
    """`metered(speed)` starts a proxy storing usage in SQLite with a clock `speed` times fast."""
    started: list[ProxyEnv] = []

    def start(speed: float) -> ProxyEnv:
        env = start_metered(tmp_path / f"metered{len(started)}", METERED_RULES, speed, program)
        started.append(env)
        return env
    yield start
    for env in started:
        env.stop()
