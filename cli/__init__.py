"""The `watercooler` command line: one module per command."""
