"""The pages the proxy answers with: block, warn, read-only and notices, rendered from templates here."""
