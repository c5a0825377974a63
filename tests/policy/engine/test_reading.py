"""Read-only judges what a request does: its verb, the method it names instead, its body."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from policy.engine.engine import Policy
from policy.engine.reading import WEBSOCKET_MESSAGE, judged_method, reads
from tests.support.policies import sample_doc


def test_reads_are_get_head_and_options_in_any_case():
    assert all(reads(method) for method in ("GET", "HEAD", "OPTIONS", "get", "Head"))
    assert not any(reads(method) for method in ("POST", "PUT", "PATCH", "DELETE", "PROPFIND", WEBSOCKET_MESSAGE))


def test_a_plain_read_is_judged_as_itself():
    assert judged_method("GET") == "GET"
    assert judged_method("HEAD", ["GET", " head ", ""]) == "HEAD"      # naming a read changes nothing


@pytest.mark.parametrize("named, judged", [
    (["POST"], "POST"), (["delete"], "DELETE"), (["GET", "PATCH"], "PATCH"), ([" put "], "PUT"),
    (["POST, GET"], "another method"), (["<script>alert(1)</script>"], "another method"),
])
def test_a_read_that_names_a_write_is_judged_as_that_write(named, judged):
    assert judged_method("GET", named) == judged


def test_a_read_with_a_body_writes():
    assert judged_method("GET", body=True) == "GET with a body"
    assert judged_method("OPTIONS", ["PUT"], body=True) == "PUT"


def test_a_write_stays_a_write_whatever_it_names():
    assert judged_method("POST", ["GET"], body=True) == "POST"


@pytest.mark.parametrize("method", ["GET with a body", "POST", WEBSOCKET_MESSAGE])
def test_a_read_only_rule_blocks_the_judged_write_and_its_trace_names_it(method):
    policy = Policy.from_doc(sample_doc())
    at = datetime(2026, 11, 26, 15, tzinfo=ZoneInfo("Europe/Berlin"))
    decision = policy.decide("bob", "https://www.linkedin.com/", at, method=method)
    assert (decision.action, decision.rule_action) == ("block", "read-only")
    assert f"read-only: {method} writes → block" in decision.trace[-1].why


def test_the_read_methods_are_defined_once_and_page_loads_are_among_them():
    from policy.actions import REGISTRY
    from policy.engine.reading import PAGE_LOADS, READ_METHODS, READING
    assert frozenset(READING) == READ_METHODS and PAGE_LOADS < READ_METHODS
    assert "reading (GET, HEAD, OPTIONS that name" in REGISTRY["read-only"].summary
