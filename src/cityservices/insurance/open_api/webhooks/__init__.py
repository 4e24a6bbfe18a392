"""Signed webhooks of the open platform: an app's endpoint, deliveries with retries, the delivery log."""
