"""Webhooks: signed deliveries of the caller's events (Standard Webhooks), with retries."""
