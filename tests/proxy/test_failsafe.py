import logging

from proxy_addons.failsafe import failsafe


def test_an_error_fails_closed_by_default_and_is_logged(caplog):
    with caplog.at_level(logging.ERROR), failsafe("GET www.example.org", fail_open=False) as failed:
        raise RuntimeError("boom")
    assert failed.closed and not failed.open
    assert "policy unavailable for GET www.example.org: RuntimeError: boom" in caplog.text


def test_failing_open_is_a_warning_every_time(caplog):
    with caplog.at_level(logging.WARNING), failsafe("GET www.example.org", fail_open=True) as failed:
        raise RuntimeError("boom")
    assert failed.open and not failed.closed
    assert "FAIL-OPEN: letting GET www.example.org through undecided" in caplog.text


def test_no_error_is_neither():
    with failsafe("GET www.example.org", fail_open=False) as failed:
        pass
    assert not failed.closed and not failed.open
