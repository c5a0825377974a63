"""The usage tables the proxy writes and the summaries the panel reads, with group membership over time."""
