"""The policy's zone: IANA names only, with the likely name suggested for abbreviations and offsets."""
from __future__ import annotations

import pytest

from policy.language.zones import check_zone
from policy.loading.problems import Invalid


@pytest.mark.parametrize("name", ["Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata"])
def test_iana_names(name):
    assert check_zone(name).key == name


@pytest.mark.parametrize("name, message, fix", [
    ("CEST", "'CEST' is an abbreviation, not a time zone (it changes with daylight saving time)",
     "use an IANA zone name such as Europe/Berlin"),
    ("pst", "'pst' is an abbreviation, not a time zone (it changes with daylight saving time)",
     "use an IANA zone name such as America/Los_Angeles"),
    ("+02:00", "'+02:00' is a UTC offset, not a time zone (it ignores daylight saving time)",
     "use an IANA zone name such as Europe/Berlin"),
    ("UTC+2", "'UTC+2' is a UTC offset, not a time zone (it ignores daylight saving time)",
     "use an IANA zone name such as Europe/Berlin"),
    ("Europe/Berln", "unknown time zone 'Europe/Berln'", "did you mean 'Europe/Berlin'?"),
    ("europe/berlin", "unknown time zone 'europe/berlin'", "did you mean 'Europe/Berlin'?"),
    ("../../etc/passwd", "unknown time zone '../../etc/passwd'", "use an IANA zone name such as Europe/Berlin"),
])
def test_rejected_with_a_suggestion(name, message, fix):
    with pytest.raises(Invalid) as caught:
        check_zone(name)
    assert (caught.value.message, caught.value.fix) == (message, fix)
