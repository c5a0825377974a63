"""Watercooler for `mitmdump -s proxy_addons/watercooler.py --set watercooler_rules=rules`.

This file only imports: the policy, its watcher and all state live in the `proxy_addons` package,
which mitmproxy's script reloader never unloads. If this file is saved with a syntax error, or
deleted, the reloader drops the addon; the guard (added to mitmproxy's own chain at start) then
answers every request with "policy unavailable" until the file is fixed or restored, and loads a
restored file again (mitmproxy itself would not). `watercooler proxy` runs the same addons
in-process, with no reloader at all.
"""
from proxy_addons.addon import Watercooler

addons = [Watercooler()]
