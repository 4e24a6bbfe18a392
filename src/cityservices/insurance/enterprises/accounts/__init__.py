"""Enterprise accounts: a unit's representative signs in with its unified social credit code to request open
platform apps and to see their app ids, keys and (once) HMAC secrets."""
