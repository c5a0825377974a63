"""Deciding each HTTP request and WebSocket message, and the warn page's Continue."""
