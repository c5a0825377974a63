"""The engine: a validated policy compiled to lookups, deciding requests with the reasons why."""
