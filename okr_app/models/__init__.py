"""The database models, one module per aggregate."""

from okr_app.models.audit import AuditHead, AuditRow
from okr_app.models.auth_session import AuthSession
from okr_app.models.closing import OUTCOME_STATUSES, ObjectiveClosing
from okr_app.models.idempotency_key import IdempotencyKey
from okr_app.models.key_result import CheckIn, KeyResult
from okr_app.models.objective import STATUSES, Objective, hold_owned_objective
from okr_app.models.personal_token import SCOPES, PersonalToken
from okr_app.models.user import ROLES, User

__all__ = [
    "OUTCOME_STATUSES",
    "ROLES",
    "SCOPES",
    "STATUSES",
    "AuditHead",
    "AuditRow",
    "AuthSession",
    "CheckIn",
    "IdempotencyKey",
    "KeyResult",
    "Objective",
    "ObjectiveClosing",
    "PersonalToken",
    "User",
    "hold_owned_objective",
]
