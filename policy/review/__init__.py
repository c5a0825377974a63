"""Warnings about a policy that loads: what its author probably did not mean, and what a new version loses."""
