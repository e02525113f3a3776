"""The audit trail: one tamper-evident row per critical request, written by one hook."""
