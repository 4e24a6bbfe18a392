"""The enterprise open platform: apps, signed requests, idempotent operations."""
