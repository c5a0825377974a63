"""Bad notification or more-time settings stop the panel at start with one sentence naming each."""
from __future__ import annotations

import pytest

from tests.support.cli_run import watercooler
from tests.support.net import free_port
from web.config import DEFAULTS
from web.notify.settings import SettingsError, check_settings


def test_the_defaults_pass():
    check_settings(DEFAULTS)


@pytest.mark.parametrize(("changes", "message"), [
    ({"SMTP_SECURITY": "ssl"}, "SMTP_SECURITY is 'ssl': use one of starttls, tls, none"),
    ({"WEBHOOK_FORMAT": "discord"}, "WEBHOOK_FORMAT is 'discord': use one of json, slack, teams"),
    ({"EXTRA_MINUTES_OPTIONS": [15, "lots"]}, "EXTRA_MINUTES_OPTIONS holds 'lots'"),
    ({"EXTRA_MINUTES_MAX": "many"}, "EXTRA_MINUTES_MAX is 'many': give a number above 0"),
])
def test_each_bad_setting_is_named(changes, message):
    with pytest.raises(SettingsError, match=message):
        check_settings({**DEFAULTS, **changes})


def test_watercooler_panel_says_it_in_one_line(tmp_path):
    result = watercooler("panel", "--listen", f"127.0.0.1:{free_port()}",
                         env={"WATERCOOLER_DATA": str(tmp_path), "WATERCOOLER_WEBHOOK_FORMAT": "discord"})
    assert result.returncode == 1
    assert result.stderr.strip() == ("watercooler panel: the panel's settings: WEBHOOK_FORMAT is 'discord': "
                                     "use one of json, slack, teams")
