"""Citizen feedback (好差评, corrections) and the staff queues it is routed to."""
