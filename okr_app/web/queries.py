"""What the pages read: a period's objectives, the user's periods, a check-in calendar, settings.

The objectives come from the API's own read model (``objectives_page``) and the check-in
days from the statistics' query, so a page shows what the API answers.
"""

from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import or_, select

from okr_app.extensions import db
from okr_app.key_results.queries import owned_key_result
from okr_app.models import AuthSession, CalendarFeed, Delivery, KeyResult, Objective
from okr_app.models.types import utcnow
from okr_app.objectives.listing import objectives_page
from okr_app.stats import queries as stats_queries
from okr_app.web.forms import natural_number

#: The most objectives a period's page shows (the API's largest page).
PAGE_SIZE = 100
#: The most digits of an id a form sends that is looked up (below ``MAX_ID``).
ID_DIGITS = 9


def period_objectives(user_id, period, page=1):
    """Return a page of the user's objectives of ``period``, newest first, and their count.

    Each objective comes with its key results; ``PAGE_SIZE`` objectives make a page.
    """
    pagination = SimpleNamespace(page=page, page_size=PAGE_SIZE, item_count=0)
    objectives = objectives_page(user_id, {"period": period}, pagination)
    return objectives, pagination.item_count


def page_count(count):
    """Return how many pages ``count`` objectives fill."""
    return -(-count // PAGE_SIZE)


def user_periods(user_id):
    """Return the periods the user has objectives in, latest start first (one query)."""
    statement = (
        select(Objective.period, Objective.start_date, Objective.end_date)
        .where(Objective.user_id == user_id)
        .distinct()
        .order_by(Objective.start_date.desc(), Objective.end_date)
    )
    return list(db.session.connection().execute(statement).scalars())


def check_in_days(user_id, first_day):
    """Return ``{day: check-ins}`` from ``first_day`` on, over every objective not archived."""
    return stats_queries.check_in_days(stats_queries.objective_filter(user_id, {}), first_day)


def key_result_with_history(user_id, key_result_id):
    """Return the user's key result with its objective and check-ins (oldest first), or 404."""
    key_result = owned_key_result(user_id, key_result_id, with_check_ins=True)
    return key_result, key_result.objective, list(key_result.check_ins)


def last_year(today):
    """Return the first day of the calendar ending ``today``: 52 whole weeks and this one."""
    start = today - timedelta(days=52 * 7)
    return start - timedelta(days=start.weekday())


def open_sessions(user_id):
    """Return the user's live sessions, newest first."""
    statement = (
        select(AuthSession)
        .where(
            AuthSession.user_id == user_id,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > utcnow(),
        )
        .order_by(AuthSession.created_at.desc())
    )
    return db.session.scalars(statement).all()


#: The deliveries the settings page lists under each webhook.
RECENT_DELIVERIES = 5


def recent_deliveries(webhook_ids):
    """Return ``{webhook id: its latest deliveries, newest first}`` (one query per webhook)."""
    return {
        webhook_id: db.session.scalars(
            select(Delivery)
            .where(Delivery.webhook_id == webhook_id)
            .order_by(Delivery.id.desc())
            .limit(RECENT_DELIVERIES)
        ).all()
        for webhook_id in webhook_ids
    }


def calendar_feed(user_id):
    """Return the user's calendar feed row (never its token), or None."""
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user_id))


def key_result_choices(user_id):
    """Return ``(id, "objective: key result")`` of the user's key results, by objective."""
    statement = (
        select(KeyResult.id, Objective.title, KeyResult.title)
        .join(Objective, KeyResult.objective_id == Objective.id)
        .where(KeyResult.user_id == user_id)
        .order_by(Objective.start_date.desc(), Objective.id, KeyResult.id)
    )
    return [(row[0], f"{row[1]}: {row[2]}") for row in db.session.execute(statement)]


def parent_choices(user_id, objective=None, shown=None):
    """Return a parent select's options: none first, then ``(id, "title (period)")``.

    Ids are text, as a form posts them. Offered: the user's objectives that are not
    archived, latest start first; for an existing ``objective``, only those whose period
    contains its own, never itself nor one below it, and its present parent always
    (archived or not), so that saving the form keeps the link. ``shown``, the parent the
    form shows (one typed before a refusal), is always offered too: archived meanwhile, it
    is still the one shown and sent; deleted meanwhile, it stays as "no longer there", so
    that saving is refused beside the field instead of quietly making the objective
    top-level. The rules a link must keep (containing period, no cycle, depth) are checked
    when the form is saved.
    """
    offered = Objective.status != "archived"
    if objective is not None:
        contains = (Objective.start_date <= objective.start_date) & (
            Objective.end_date >= objective.end_date
        )
        offered = (
            (Objective.id != objective.id)
            & Objective.id.not_in(select(_descendants(objective.id).c.id))
            & or_(Objective.id == objective.parent_id, offered & contains)
        )
    shown = shown or ""
    wanted = natural_number(shown, ID_DIGITS)
    if wanted is not None:
        offered = or_(Objective.id == wanted, offered)
    statement = (
        select(Objective.id, Objective.title, Objective.period)
        .where(Objective.user_id == user_id, offered)
        .order_by(Objective.start_date.desc(), Objective.end_date.desc(), Objective.id)
    )
    choices = [(str(row.id), _titled(row)) for row in db.session.execute(statement)]
    if shown and shown not in {value for value, _label in choices}:
        choices.append((shown, "An objective no longer there"))
    return [("", "None: a top-level objective"), *choices]


def _descendants(objective_id):
    """Return a CTE of the ids below ``objective_id``: its children, theirs, and so on."""
    below = select(Objective.id).where(Objective.parent_id == objective_id).cte(recursive=True)
    # UNION, not UNION ALL: an id met again adds nothing, so even a cycle made behind the
    # API's back (which refuses one) ends the walk.
    return below.union(select(Objective.id).where(Objective.parent_id == below.c.id))


def parent_label(user_id, value):
    """Return the parent ``value`` (an id as a form posts it) as its select shows it.

    ``title (period)`` for one of the user's objectives; anything else as it is.
    """
    wanted = natural_number(value, ID_DIGITS)
    parent = db.session.get(Objective, wanted) if wanted is not None else None
    return _titled(parent) if parent is not None and parent.user_id == user_id else value


def _titled(objective):
    """Return an objective as a parent select names it: ``title (period)``."""
    return f"{objective.title} ({objective.period})"
