"""A policy over time for a replay: adjustments that fit, grants the rules allow, groups by day."""
from __future__ import annotations

from datetime import date, datetime, timezone

from policy.changes.overrides import Adjustment, Grant
from policy.whatif.setup import grant_spans, groups_by_day, hosts, replayer
from tests.support.whatif_rules import policies

NINE = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)


def test_adjustments_the_rules_do_not_allow_are_left_out(tmp_path):
    current, _ = policies(tmp_path)
    made = replayer(current, [(None, (Adjustment("budget", "marketing", minutes=500),
                                      Adjustment("budget", "sales", minutes=10)))], [], hosts(current.doc))
    assert made.policies[0].adjustments == (Adjustment("budget", "sales", minutes=10),)


def test_grants_the_rules_allow_become_spans(tmp_path):
    current, _ = policies(tmp_path)
    later = datetime(2026, 11, 23, 12, tzinfo=timezone.utc)
    spans = grant_spans(current.doc, [Grant("m1", "facebook", later, NINE, "boss"),
                                      Grant("m1", "youtube", later, NINE, "boss"),       # no grant bound
                                      Grant("m2", "facebook", later, NINE, "m2"),         # to oneself
                                      Grant("m3", "facebook", datetime(2026, 11, 24, tzinfo=timezone.utc), NINE,
                                            "boss")])                                          # too long
    assert spans == {("m1", "facebook"): [(NINE.timestamp(), later.timestamp())]}


def test_each_set_of_adjustments_compiles_once(tmp_path):
    current, _ = policies(tmp_path)
    raised = (Adjustment("budget", "marketing", minutes=45),)
    made = replayer(current, [(None, ()), (NINE, raised), (datetime(2026, 11, 23, 10, tzinfo=timezone.utc), ())],
                    [], hosts(current.doc))
    assert made.starts == [float("-inf"), NINE.timestamp(), NINE.timestamp() + 3600]
    assert made.policies[0] is current and made.policies[2] is current and made.policies[1] is not current


def test_hosts_come_from_the_first_policy_that_knows_a_site(tmp_path):
    current, draft = policies(tmp_path)
    assert hosts(current.doc, draft.doc)["facebook"] == "https://facebook.com/"


def test_groups_by_day_follow_the_recorded_history(tmp_path):
    current, _ = policies(tmp_path)
    noon = datetime(2026, 11, 23, 12, tzinfo=timezone.utc)
    groups_of = groups_by_day([("marketing", "m6", noon, None), ("sales", "m6", None, noon)], timezone.utc,
                              current.groups_of)
    assert groups_of("m6", date(2026, 11, 23)) == {"sales"}
    assert groups_of("m6", date(2026, 11, 24)) == {"marketing"}
    assert groups_by_day([], timezone.utc, current.groups_of)("m6", date(2026, 11, 23)) == {"marketing", "staff"}
