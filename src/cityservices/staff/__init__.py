"""The staff side: accounts and roles, sessions, data maintenance with versions, audit and feedback."""
