"""Revisions, one file each; ids are fixed: 0001_usage, 0002_panel, ..."""
