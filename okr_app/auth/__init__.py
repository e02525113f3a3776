"""Accounts, sessions and the login lockout."""
