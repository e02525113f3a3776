"""The dashboard: the due check-ins, a period's objectives with bars and pace, the calendar."""

from datetime import UTC, datetime

from flask import g, render_template, request
from marshmallow import ValidationError

from okr_app.due.queries import due_key_results
from okr_app.objectives.schemas import validate_period
from okr_app.okr.cadence import STALE
from okr_app.okr.kinds import expected_on
from okr_app.okr.pace import pace_delta, pace_status
from okr_app.okr.periods import quarter_of
from okr_app.okr.streaks import streaks
from okr_app.web import forms, queries
from okr_app.web.charts import calendar
from okr_app.web.routes import blp
from okr_app.web.session import login_required

PACE_LABELS = {
    "done": "Done",
    "ahead": "Ahead",
    "on_track": "On track",
    "at_risk": "At risk",
    STALE: "Stale",
}


@blp.route("", methods=["GET"])
@login_required
def dashboard():
    """Show what is due, the objectives of a period (default: this quarter), the calendar."""
    user = g.web_user
    today = datetime.now(UTC).date()
    current = quarter_of(today)
    period = request.args.get("period") or current
    error = None
    try:
        validate_period(period)
    except ValidationError as refusal:
        error, period = " ".join(refusal.messages), current
    page = _page_number(request.args.get("page"))
    listed, count = queries.period_objectives(user.id, period, page)
    if not listed and count:  # past the last page (objectives deleted since): show the last
        page = queries.page_count(count)
        listed, count = queries.period_objectives(user.id, period, page)
    objectives = [_with_pace(item, today) for item in listed]
    periods = queries.user_periods(user.id)
    if current not in periods:
        periods.insert(0, current)
    if period not in periods:
        periods.insert(0, period)
    first_day = queries.last_year(today)
    days = queries.check_in_days(user.id, first_day)
    current_streak, longest_streak = streaks(days, today)
    page = render_template(
        "dashboard.html",
        period=period,
        periods=periods,
        period_error=error,
        due=due_key_results(user.id),
        objectives=objectives,
        page=page,
        pages=queries.page_count(count),
        first_shown=(page - 1) * queries.PAGE_SIZE + 1,
        objective_count=count,
        calendar=calendar.draw(days, first_day, today),
        check_in_total=sum(days.values()),
        check_in_days=len(days),
        current_streak=current_streak,
        longest_streak=longest_streak,
        today=today,
    )
    return page, 422 if error else 200


def _page_number(text):
    """Return the page asked for: a whole number from 1, else the first (a link's own)."""
    return forms.natural_number(text, 6) or 1


def _with_pace(objective, today):
    """Return a listed objective with its expected progress today and its pace, as words too.

    One that rolls up is expected where its key results and children are (the list's
    ``rolled_up_expected``); any other where its key results are.
    """
    expected = objective["rolled_up_expected"]
    if expected is None:
        expected = expected_on(
            ((item["kind"], item["due_on"], item["weight"]) for item in objective["key_results"]),
            objective["start_date"],
            objective["end_date"],
            today,
        )
    return {**objective, **pace_figures(objective, expected)}


def pace_figures(objective, expected):
    """Return ``expected_progress``, ``pace`` and ``pace_label`` of an objective (row or model).

    Only an active objective that is not closed has a pace, as in ``GET /stats``: ``stale``
    while a key result is, else by its progress against ``expected``, the progress expected
    of it today, as there.
    """
    pace = None
    if objective["status"] == "active" and objective["closing"] is None:
        if any(_stale(item) for item in objective["key_results"]):
            pace = STALE
        else:
            pace = pace_status(objective["progress"], pace_delta(objective["progress"], expected))
    return {"expected_progress": expected, "pace": pace, "pace_label": PACE_LABELS.get(pace)}


def _stale(item):
    """Tell whether a key result (a model or a listed dictionary) is stale."""
    return item["stale"] if isinstance(item, dict) else item.stale
