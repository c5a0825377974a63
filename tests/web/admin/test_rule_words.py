"""Rules in plain words, as the status page shows them."""
import policy
from tests.web.conftest import RULES
from web.admin.rule_words import describe_rule

POLICY = policy.load(RULES)
RULE = {rule.name: rule for rule in POLICY.doc.rules}


def test_each_kind_of_rule_reads_as_a_sentence():
    assert describe_rule(POLICY, RULE["forum-open"]) == "For everyone: Company forum is open."
    assert describe_rule(POLICY, RULE["linkedin-read-only"]) == \
        "For everyone: LinkedIn is reading only (no posting, uploading or editing)."
    assert describe_rule(POLICY, RULE["youtube-nudge"]) == \
        "For group staff: YouTube is open after a reminder page (a Continue lasts 60 minutes)."
    assert describe_rule(POLICY, RULE["comms-runs-our-accounts"]) == \
        "For group communications: all of External social media is open."
