"""Citizen accounts: sign-in bound to a checked ID number, with sessions apart from the staff ones."""
