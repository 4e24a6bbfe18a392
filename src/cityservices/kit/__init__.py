"""Reusable parts with no domain knowledge: text, geo, calendar, events, masking, audit, pagination, rate limits,
sessions."""
