"""Notices and reminders of a branch: its upcoming Party Days, days without minutes or self-check, requirements due
this period or overdue, and members six months behind with dues."""
