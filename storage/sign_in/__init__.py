"""Panel accounts, their passwords, and sign-in throttling and its reports."""
