"""Prometheus metrics of the outbox and the webhook deliveries, counted at scrape time.

They are read from the database, so any app worker answers for every delivery worker.
"""

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from okr_app.extensions import db
from okr_app.models import Delivery, OutboxEvent


class BacklogCollector:
    """Count undispatched events and deliveries by status at scrape time."""

    def collect(self):
        """Yield the outbox backlog and the deliveries by status."""
        backlog = db.session.scalar(select(func.count()).where(OutboxEvent.dispatched_at.is_(None)))
        yield GaugeMetricFamily(
            "okr_outbox_backlog", "Outbox events not yet fanned out to webhooks.", value=backlog
        )
        family = GaugeMetricFamily(
            "okr_webhook_deliveries", "Webhook deliveries by status.", labels=["status"]
        )
        rows = db.session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        counts = {status: count for status, count in rows}
        for status in ("pending", "succeeded", "failed"):
            family.add_metric([status], counts.get(status, 0))
        yield family
        retrying = db.session.scalar(
            select(func.count()).where(Delivery.status == "pending", Delivery.attempts > 0)
        )
        yield GaugeMetricFamily(
            "okr_webhook_deliveries_retrying",
            "Pending deliveries that failed at least once.",
            value=retrying,
        )
