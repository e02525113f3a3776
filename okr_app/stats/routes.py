"""GET /stats."""

from datetime import UTC, datetime

from flask_jwt_extended import current_user
from flask_smorest import abort

from okr_app.api.authentication import caller_is_admin
from okr_app.api.blueprint import ERROR, Blueprint
from okr_app.extensions import db
from okr_app.models import User
from okr_app.stats.calibration import calibration_report
from okr_app.stats.schemas import (
    CalibrationQuerySchema,
    CalibrationReportSchema,
    StatsQuerySchema,
    StatsSchema,
)
from okr_app.stats.summary import statistics

blp = Blueprint("stats", __name__, url_prefix="/stats", description="Progress and pace.")


@blp.route("", methods=["GET"])
@blp.login_required
@blp.arguments(StatsQuerySchema, location="query")
@blp.response(200, StatsSchema)
@blp.alt_response(403, response=ERROR)
@blp.alt_response(404, response=ERROR)
@blp.alt_response(422, response=ERROR)
def get_stats(filters):
    """Return totals, per-period progress and grades, pace, check-in streaks and confidence.

    Covers the caller's objectives (an admin, not through a personal access token, may
    pass `user_id`): those of `period`, or
    those whose period contains the day `on`, optionally of one `status`; by default every
    objective that is not archived. A closed objective counts with the progress frozen at
    its closing, and each period has the `average_grade` of its closed objectives (null
    if none). Pace is measured at the end of `on` (default today, UTC) for active
    objectives, never closed ones: `expected_progress` is the key results' expected
    progress by kind, weighted, and for one that rolls up its children's too, by their
    `child_weight`, as its progress counts them (a closed child at its frozen progress);
    the share of the period elapsed with neither; `status` is `done` (progress 100),
    `ahead` (delta > 0), `on_track` (0 >= delta >= -10) or `at_risk` (delta < -10), the
    delta taken as shown (2 decimals), and `completion_date` (formerly `forecast_date`) is
    the day 100 % is reached at the average rate since the period start (null before the
    period starts, with no progress, or when done). It is not the least-squares `forecast`
    of the
    key results, which `GET /objectives` sums up as `projected_progress` at the period end:
    the two differ when recent check-ins move faster or slower than the average.
    Check-in streaks count consecutive UTC days with a check-in; the current streak ends on
    `on`, or the day before if there is none on `on` yet.
    """
    user_id = filters.pop("user_id", current_user.id)
    if user_id != current_user.id:
        if not caller_is_admin():
            abort(403, message="Only admins may read another user's statistics.")
        if db.session.get(User, user_id) is None:
            abort(404, message="No such user.")
    on = filters.get("on") or datetime.now(UTC).date()
    return statistics(user_id, filters, on)


@blp.route("/calibration", methods=["GET"])
@blp.login_required
@blp.arguments(CalibrationQuerySchema, location="query")
@blp.response(200, CalibrationReportSchema)
@blp.alt_response(422, response=ERROR)
def get_calibration(query):
    """Return how well the caller's stated confidences foretold their closed key results.

    Counts each key result of the caller's closed objectives (closings in force, closed at
    or after `since` and before `until`; cancelled ones left out): achieved when its
    frozen progress is 100. `at_close` pairs that with the last confidence stated before
    the close, `at_first_check_in` with the first confidence stated from the period's
    first day on. Each gives the Brier score, the count, the mean confidence against the
    achieved share, a reliability table in bins of 0.1 and a one-line reading; with fewer
    than 5 key results counted, only the count and a `message` saying why.
    """
    return calibration_report(current_user.id, query.get("since"), query.get("until"))
