"""End-to-end fixtures: one real proxy (with its origins) per test module.

A module may set `PROXY_RULES` (policy YAML) and `PROXY_OPTIONS` (extra mitmproxy options).
"""
from __future__ import annotations

import pytest

from tests.support.proxy_env import TEST_RULES, ProxyEnv, start_env, start_metered

# The test policy with a Reddit budget large enough to measure what an hour of use costs.
METERED_RULES = TEST_RULES.replace("quota: {minutes: 5, per: day}", "quota: {minutes: 600, per: day}")


@pytest.fixture(scope="module")
def env(tmp_path_factory, request) -> ProxyEnv:
    rules = getattr(request.module, "PROXY_RULES", TEST_RULES)
    options = getattr(request.module, "PROXY_OPTIONS", {})
    started = start_env(tmp_path_factory.mktemp("proxy"), rules, options)
    yield started
    started.stop()


@pytest.fixture
def origins(env: ProxyEnv) -> ProxyEnv:
    """The module's proxy with both origins' request records cleared."""
    env.http_origin.clear()
    env.https_origin.clear()
    return env


@pytest.fixture
def metered(tmp_path):
    """`metered(speed)` starts a proxy storing usage in SQLite with a clock `speed` times fast."""
    started: list[ProxyEnv] = []

    def start(speed: float) -> ProxyEnv:
        env = start_metered(tmp_path / f"metered{len(started)}", METERED_RULES, speed)
        started.append(env)
        return env
    yield start
    for env in started:
        env.stop()
