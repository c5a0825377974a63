"""Keeping the policy in force: the rules folder watched, the panel's overrides and directory groups read."""
