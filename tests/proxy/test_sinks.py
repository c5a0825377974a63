from datetime import datetime, timezone

from proxy_addons.memory_sink import MemorySink
from proxy_addons.sinks import make_sink, tell_sink_about_policy


def test_no_database_means_memory():
    assert isinstance(make_sink(None), MemorySink)
    assert isinstance(make_sink(""), MemorySink)


def test_a_database_url_gives_the_durable_sink_with_an_up_to_date_schema(tmp_path, monkeypatch):
    monkeypatch.setenv("WATERCOOLER_DATA", str(tmp_path))
    sink = make_sink(f"sqlite:///{tmp_path / 'usage.db'}", "Europe/Berlin")
    try:
        tell_sink_about_policy(sink, "Europe/Berlin", "v1", None)
        sink.minute("alice", "reddit", "social", datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc),
                    quota_rule="budget")
        assert sink.used_minutes("alice", "budget", datetime(2026, 11, 26, tzinfo=timezone.utc)) == 1
        assert sink.status()["sink"] == "database"
    finally:
        sink.close()
