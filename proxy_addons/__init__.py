"""The Watercooler mitmproxy addon (addon.py, one addon on purpose) and the parts it enforces the policy with."""
