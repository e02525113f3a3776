"""A form that creates something, sent twice, creates once; the second gets the first's answer."""

import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from okr_app.extensions import db
from okr_app.models import CheckIn, IdempotencyKey, Objective
from okr_app.models.types import utcnow
from okr_app.web.submissions import FIELD, PATTERN

DRAWN = "a" * 22  # what a form page draws: 16 random bytes, URL-safe
READERS = {
    "key_results-0-title": "Readers",
    "key_results-0-metric": "n",
    "key_results-0-target_value": "10",
}


def count(app, model):
    """Return how many rows ``model`` has."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def key_result_page(client, objective_id):
    """Return the path of the first key result's page of an objective."""
    page = client.get(f"/app/objectives/{objective_id}").text
    return re.search(r'href="(/app/key-results/\d+)"', page).group(1)


def test_every_form_that_creates_draws_its_own_submission(client, web):
    web.user()
    objective_id = web.create_objective(**READERS)
    pages = [
        f"/app/objectives/{objective_id}",
        "/app/new",
        key_result_page(client, objective_id),
        "/app/settings",
    ]
    drawn = [
        value
        for path in pages
        for value in re.findall(rf'name="{FIELD}" value="([^"]+)"', client.get(path).text)
    ]
    # Copy and add a key result; the new objective; the check-in; the import.
    assert len(drawn) == 5 and len(set(drawn)) == 5
    assert all(PATTERN.fullmatch(value) for value in drawn)


def test_a_new_objective_sent_twice_is_created_once(app, web):
    web.user()
    form = {"title": "Grow", "period": "2026-Q1", FIELD: DRAWN}
    first = web.post("/app/new", form, form_page="/app/new")
    second = web.post("/app/new", form, form_page="/app/new")
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert count(app, Objective) == 1


def test_a_check_in_sent_twice_is_recorded_once(app, client, web):
    web.user()
    path = key_result_page(client, web.create_objective(**READERS))
    before = count(app, CheckIn)
    form = {"value": "4", FIELD: DRAWN}
    answers = [web.post(path + "/check-ins", form, form_page=path) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [303, 303]
    assert count(app, CheckIn) == before + 1


def test_the_same_form_sent_again_with_other_values_runs_again(app, web):
    web.user()
    for title in ("Grow", "Grow more"):
        form = {"title": title, "period": "2026-Q1", FIELD: DRAWN}
        assert web.post("/app/new", form, form_page="/app/new").status_code == 303
    # A form drawn before submissions existed, or a value not drawn by the app, runs too.
    for drawn in (None, "short"):
        form = {"title": "Older page", "period": "2026-Q1"} | ({FIELD: drawn} if drawn else {})
        assert web.post("/app/new", form, form_page="/app/new").status_code == 303
    assert count(app, Objective) == 4


def test_a_second_post_waits_for_the_first_instead_of_failing(app, client, web):
    web.user()
    form = {"title": "Grow", "period": "2026-Q1"}
    probe = web.post("/app/new", {**form, FIELD: "p" * 22}, form_page="/app/new")
    assert probe.status_code == 303
    with app.app_context():
        claim = db.session.scalar(
            select(IdempotencyKey).where(IdempotencyKey.key.startswith("p" * 22))
        )
        # The first post of another drawing of the same form, still running for a second.
        now = utcnow()
        db.session.add(
            IdempotencyKey(
                scope=claim.scope,
                key=DRAWN + claim.key[len("p" * 22) :],
                user_id=claim.user_id,
                fingerprint=claim.fingerprint,
                expires_at=now + timedelta(days=1),
                locked_until=now + timedelta(seconds=1),
            )
        )
        db.session.commit()
    second = web.post("/app/new", {**form, FIELD: DRAWN}, form_page="/app/new")
    # It waited until the first gave its hold up (a killed worker's, here), then ran.
    assert second.status_code == 303, second.text
    assert count(app, Objective) == 2


def test_a_refused_post_is_not_kept_and_runs_again(app, web):
    web.user()
    form = {"title": "Grow", "period": "2026-Q5", FIELD: DRAWN}
    for _ in range(2):
        refused = web.post("/app/new", form, form_page="/app/new")
        assert refused.status_code == 422
        assert "Idempotent-Replayed" not in refused.headers
    # Nothing of a refusal is stored: not its page, nor a hold on the submission.
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    fixed = web.post("/app/new", {**form, "period": "2026-Q1"}, form_page="/app/new")
    assert fixed.status_code == 303
    assert count(app, Objective) == 1


def test_submissions_belong_to_their_user(app, client, web):
    form = {"title": "Grow", "period": "2026-Q1", FIELD: DRAWN}
    for _ in range(2):
        web.user()  # another account in the same browser
        answer = web.post("/app/new", form, form_page="/app/new")
        assert answer.status_code == 303 and "Idempotent-Replayed" not in answer.headers
    assert count(app, Objective) == 2


def test_an_import_sent_twice_imports_once_and_another_file_runs(app, client, web):
    web.user()
    web.create_objective("Exported", **READERS)
    document = client.get("/app/export?format=json").get_data()
    web.user()

    def send(content):
        upload = {"document": (io.BytesIO(content), "okr.json", "application/json")}
        return web.post(
            "/app/import",
            {**upload, FIELD: DRAWN},
            form_page="/app/settings",
            content_type="multipart/form-data",
        )

    first, second = send(document), send(document)
    assert first.status_code == second.status_code == 303, first.text
    assert second.headers["Idempotent-Replayed"] == "true"
    assert count(app, Objective) == 2  # the exported one and its one import
    # The same drawing of the form with another file is another submission.
    assert send(document.replace(b"Exported", b"Exported too")).status_code == 303
    assert count(app, Objective) == 3
