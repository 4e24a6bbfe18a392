"""A Party member's own records, for the member signed in with the citizen sign-in (``/party/me``)."""
