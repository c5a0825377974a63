"""Counting active minutes and quota use, and the sinks that keep them."""
