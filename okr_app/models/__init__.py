"""The database models, one module per aggregate."""

from okr_app.models.audit import (
    ANONYMOUS_CHAIN,
    LEGACY_CHAIN,
    AuditChainHead,
    AuditCheckpoint,
    AuditRow,
)
from okr_app.models.auth_session import AuthSession
from okr_app.models.calendar import CalendarFeed
from okr_app.models.closing import OUTCOME_STATUSES, ObjectiveClosing
from okr_app.models.idempotency_key import IdempotencyKey
from okr_app.models.key_result import CheckIn, KeyResult
from okr_app.models.objective import STATUSES, Objective, hold_owned_objective
from okr_app.models.outbox import OutboxEvent
from okr_app.models.personal_token import SCOPES, PersonalToken
from okr_app.models.reminder import KeyResultReminder
from okr_app.models.share_link import ShareLink
from okr_app.models.user import EMAIL_MAX_LENGTH, ROLES, User, of_active_owner
from okr_app.models.webhook import ALL_EVENTS, DELIVERY_STATUSES, EVENT_TYPES, Delivery, Webhook
from okr_app.models.worker import WorkerHeartbeat

__all__ = [
    "ALL_EVENTS",
    "ANONYMOUS_CHAIN",
    "DELIVERY_STATUSES",
    "EMAIL_MAX_LENGTH",
    "EVENT_TYPES",
    "LEGACY_CHAIN",
    "OUTCOME_STATUSES",
    "ROLES",
    "SCOPES",
    "STATUSES",
    "AuditChainHead",
    "AuditCheckpoint",
    "AuditRow",
    "AuthSession",
    "CalendarFeed",
    "CheckIn",
    "Delivery",
    "IdempotencyKey",
    "KeyResult",
    "KeyResultReminder",
    "Objective",
    "ObjectiveClosing",
    "OutboxEvent",
    "PersonalToken",
    "ShareLink",
    "User",
    "Webhook",
    "WorkerHeartbeat",
    "hold_owned_objective",
    "of_active_owner",
]
