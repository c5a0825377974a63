import pytest

from proxy_addons.auth.ipmap import IpMapError, load_ip_map


def test_the_most_specific_entry_wins_and_mapped_ipv6_is_ipv4(tmp_path):
    path = tmp_path / "users.txt"
    path.write_text("# kiosks\n10.0.0.0/8   office-default\n10.0.5.17  kiosk-lobby  # reception\n"
                    "fd00::/64 lab-bench\n")
    users = load_ip_map(str(path))
    assert users.user_for("10.0.5.17") == "kiosk-lobby"
    assert users.user_for("::ffff:10.0.5.17") == "kiosk-lobby"
    assert users.user_for("10.9.9.9") == "office-default"
    assert users.user_for("fd00::5") == "lab-bench"
    assert users.user_for("192.168.1.1") is None
    assert users.user_for(None) is None


def test_every_bad_line_is_reported_with_its_place(tmp_path):
    path = tmp_path / "users.txt"
    path.write_text("10.0.0.1 ok\n  10.0.0.300 kiosk\n10.0.0.2\n10.0.0.3 bad/name\n")
    with pytest.raises(IpMapError) as error:
        load_ip_map(str(path))
    lines = str(error.value).splitlines()
    assert lines[0].startswith(f"{path}:2:3: '10.0.0.300' is not an IP address or CIDR")
    assert lines[1].startswith(f"{path}:3:1: expected 'ADDRESS-OR-CIDR USER'")
    assert lines[2].startswith(f"{path}:4:10: 'bad/name' is not a user name")


def test_a_missing_file_is_one_sentence(tmp_path):
    with pytest.raises(IpMapError, match="cannot read the user map"):
        load_ip_map(str(tmp_path / "nope.txt"))
