"""Stand-in sites for the tests, all on the one local server of server.py."""
