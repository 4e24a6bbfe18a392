"""Accounts, roles, sessions, passwords and scopes: the staff identity every domain relies on."""
