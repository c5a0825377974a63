"""Helpers shared by the test suites: ports, certificates, origin servers, processes."""
