"""The statistics' SQL progress equals the Python formula on the same data."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Float, literal, select

from okr_app.database.expressions import sql_choose, sql_clamp, sql_ratio
from okr_app.extensions import db
from okr_app.okr.kinds import stay_progress_from_sums
from okr_app.okr.progress import key_result_progress
from okr_app.stats import queries
from tests.factories import create_key_result, create_objective

CASES = [
    (0, 100, 25),  # increasing
    (0, 100, 150),  # past the target
    (0, 100, -10),  # below the start
    (100, 0, 75),  # decreasing
    (100, 0, -5),  # decreasing, past the target
    (100, 0, 120),  # decreasing, below the start
    (4.0, 2.5, 3.7),
    (-50, 50, 0),
]


def realistic(number):
    """Return ``number``, or 0 for magnitudes below 1e-9.

    Stored values come from amounts and day fractions, never that close to zero without
    being zero; PostgreSQL's float8 arithmetic refuses results that underflow.
    """
    return 0.0 if abs(number) < 1e-9 else number


values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(realistic)


def sql_progress(start, target, current):
    """Return ``key_result_progress`` computed by the database."""
    columns = [literal(float(value), Float) for value in (start, target, current)]
    return db.session.scalar(select(key_result_progress(*columns, clamp=sql_clamp)))


@pytest.mark.parametrize(("start", "target", "current"), CASES)
def test_key_result_progress_is_the_same_in_sql(app, start, target, current):
    with app.app_context():
        assert sql_progress(start, target, current) == pytest.approx(
            key_result_progress(start, target, current)
        )


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=values, target=values, current=values)
def test_key_result_progress_agrees_everywhere(app, start, target, current):
    if start == target:
        return
    with app.app_context():
        assert sql_progress(start, target, current) == pytest.approx(
            key_result_progress(start, target, current), abs=1e-9
        )


def test_objective_progress_is_the_same_in_sql(app, client, auth):
    _, _, headers = auth.user()
    weighted = create_objective(client, headers, title="Weighted")
    create_key_result(client, headers, weighted["id"], current_value=30, weight=1)
    create_key_result(
        client, headers, weighted["id"], start_value=200, target_value=100, current_value=180
    )
    create_key_result(client, headers, weighted["id"], current_value=150, weight=3)
    empty = create_objective(client, headers, title="Empty")
    answered = {
        item["id"]: item["progress"]
        for item in client.get("/objectives", headers=headers).get_json()
    }
    with app.app_context():
        user_id = client.get("/auth/me", headers=headers).get_json()["id"]
        rows = queries.objective_rows(queries.objective_filter(user_id, {}))
    computed = {row.id: (row.weighted / row.weight if row.weight else 0.0) for row in rows}
    assert computed == pytest.approx(answered)
    # (30 * 1 + 20 * 1 + 100 * 3) / 5
    assert answered[weighted["id"]] == pytest.approx(70.0)
    assert answered[empty["id"]] == 0.0


days = st.floats(min_value=-30, max_value=400, allow_nan=False).map(realistic)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
# A value stated out of band moments ago (a span far below the tolerance).
@example(band_days=0.0, first_x=10.0, length=0.0, inside=False, period_days=90.0, now_x=10.0 + 1e-8)
@given(
    band_days=st.floats(min_value=0, max_value=365, allow_nan=False).map(realistic),
    first_x=days,
    length=st.floats(min_value=0, max_value=400, allow_nan=False).map(realistic),
    inside=st.booleans(),
    period_days=st.sampled_from([28.0, 90.0, 92.0, 365.0]),
    now_x=days,
)
def test_stay_progress_agrees_in_sql(app, band_days, first_x, length, inside, period_days, now_x):
    last_x = first_x + length
    python = stay_progress_from_sums(band_days, first_x, last_x, inside, period_days, now_x)
    columns = [
        literal(float(value), Float)
        for value in (band_days, first_x, last_x, float(inside), period_days, now_x)
    ]
    with app.app_context():
        sql = db.session.scalar(
            select(
                stay_progress_from_sums(
                    *columns, clamp=sql_clamp, ratio=sql_ratio, choose=sql_choose
                )
            )
        )
    assert sql == pytest.approx(python, abs=1e-9)
