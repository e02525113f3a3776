"""What the auth area counts for Prometheus: failed password checks and lockouts."""

from prometheus_client import Counter

LOGIN_FAILURES = Counter("okr_login_failures_total", "Failed password checks.")
LOCKOUTS = Counter("okr_lockouts_total", "Account identifiers locked after repeated failures.")
