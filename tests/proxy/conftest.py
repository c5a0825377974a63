"""End-to-end fixtures: one real proxy (with its origins) per test module.

A module may set `PROXY_RULES` (policy YAML) and `PROXY_OPTIONS` (extra mitmproxy options).
"""
from __future__ import annotations

import pytest

from tests.support.proxy_env import TEST_RULES, ProxyEnv, start_env


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
