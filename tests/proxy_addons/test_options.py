from types import SimpleNamespace

from proxy_addons.options import OPTIONS, SUMMARISED, summary


def settings(**overrides):
    values = {name: default for name, _, default, _, _ in OPTIONS}
    values.update(proxyauth=None, connection_strategy="lazy", confdir="~/.mitmproxy")
    values.update(overrides)
    return SimpleNamespace(**values)


def test_every_option_is_documented_and_summarised():
    for name, _, _, help_text, _ in OPTIONS:
        assert len(help_text) > 40, name
        assert name in SUMMARISED, name


def test_the_summary_is_one_line_without_secrets():
    line = summary(settings(watercooler_db="postgresql+psycopg://wc:hunter2@db/wc", proxyauth="alice:hunter2",
                            watercooler_map_hosts=["a=1:2", "b=3:4"]), 4)
    assert "\n" not in line and "hunter2" not in line
    assert line.startswith("Watercooler is enforcing (4 policy file(s)): rules=rules ")
    assert "db=postgresql+psycopg://wc:***@db/wc" in line and "proxyauth=single-user" in line
    assert "map_hosts=a=1:2,b=3:4" in line and "fail=closed" in line


def test_the_summary_says_when_no_policy_is_loaded():
    assert summary(settings(proxyauth="@/etc/users.htpasswd"), None).startswith("Watercooler is enforcing (NO POLICY)")
    assert "proxyauth=htpasswd:/etc/users.htpasswd" in summary(settings(proxyauth="@/etc/users.htpasswd"), 1)
