"""SQL statements per request, counted in-process with Flask's test client.

PostgreSQL here has no ``pg_stat_statements`` preloaded, so the count cannot be read from
the server. Instead each scenario's request is replayed a few times against the same
database through the same app, with a ``before_cursor_execute`` listener counting what
SQLAlchemy sends. The ``SELECT 1`` that tests a connection idle for a second or more
(okr_app/database/pool.py) does not pass through that event and is not counted; under load
connections are never idle that long.
"""

import logging

from sqlalchemy import event

from okr_app import create_app
from okr_app.demo.seed import DEMO_EMAIL, DEMO_PASSWORD
from okr_app.extensions import db

REPEATS = 3
#: The mixed profile's share of each request kind (bench/wrk/mixed.lua).
MIXED = {"get_objectives": 0.45, "get_stats": 0.45, "post_check_in": 0.10}


def count_queries(settings, user_index=1):
    """Return the statements per request of every scenario, for one demo user."""
    app = create_app(settings)
    logging.getLogger("okr_app.requests").disabled = True
    client = app.test_client()
    counter = {"statements": 0}

    def count(*_arguments):
        counter["statements"] += 1

    email = DEMO_EMAIL.format(index=user_index)
    credentials = {"email": email, "password": DEMO_PASSWORD}

    def measured(send):
        """Return the mean statements of ``send()``, failing on a non-2xx answer."""
        counter["statements"] = 0
        for _ in range(REPEATS):
            response = send()
            if not 200 <= response.status_code < 300:
                raise RuntimeError(f"{response.status_code}: {response.get_data(as_text=True)}")
        return round(counter["statements"] / REPEATS, 2)

    with app.app_context():
        engine = db.engine
    token = client.post("/auth/login", json=credentials).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    page = client.get("/objectives", headers=headers).get_json()
    objective = page[0]["id"]
    key_result = page[0]["key_results"][0]["id"]

    event.listen(engine, "before_cursor_execute", count)
    try:
        counts = {
            "get_objectives": measured(lambda: client.get("/objectives", headers=headers)),
            "get_stats": measured(lambda: client.get("/stats", headers=headers)),
            "post_check_in": measured(
                lambda: client.post(
                    f"/key-results/{key_result}/check-ins", json={"value": 1}, headers=headers
                )
            ),
            "login": measured(lambda: client.post("/auth/login", json=credentials)),
        }
        counts["patch_objective"] = _patch_count(client, headers, objective, counter)
    finally:
        event.remove(engine, "before_cursor_execute", count)
        with app.app_context():
            db.engine.dispose()
    counts["mixed"] = round(sum(counts[name] * share for name, share in MIXED.items()), 2)
    return counts


def _patch_count(client, headers, objective, counter):
    """Return the statements of a PATCH with If-Match, not counting the GET for the ETag."""
    total = 0
    for _ in range(REPEATS):
        etag = client.get(f"/objectives/{objective}", headers=headers).headers["ETag"]
        before = counter["statements"]
        response = client.patch(
            f"/objectives/{objective}",
            json={"description": "Counted edit"},
            headers={**headers, "If-Match": etag},
        )
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code}: {response.get_data(as_text=True)}")
        total += counter["statements"] - before
    return round(total / REPEATS, 2)
