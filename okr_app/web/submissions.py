"""A form sent twice creates once: a double click or a resend gets the first one's answer.

The forms that create something (a new objective, a key result, a check-in, a copy, an
import) carry a ``submission`` value drawn when the page was drawn. A post claims it,
together with the form's content, as the API claims an ``Idempotency-Key``
(``okr_app.api.idempotency``):
the first post runs, and its answer, a redirect to what it created, is stored with its
change; a second post of the same form gets that redirect again and writes nothing. A
refused post (a page with the form's errors) changed nothing and is not kept: sent again,
it runs again. A browser shows the answer to the last click, so a second post that
arrives while the first is still running waits for it (up to ``WAIT_SECONDS``, holding its
worker meanwhile). The same form sent again with other values (back, change, send) is
another submission and runs.

Never for a form whose answer shows a secret (a new token, a webhook's signing secret):
the answer is stored.
"""

import hashlib
import re
import secrets
import time
from functools import wraps

from flask import abort, g, request
from werkzeug.exceptions import HTTPException

from okr_app.api import idempotency
from okr_app.extensions import db

FIELD = "submission"
PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
#: How long a second post waits for the first to finish, and how often it looks.
WAIT_SECONDS = 10
POLL_SECONDS = 0.1
STILL_RUNNING = "This form is still being saved. Reload the page in a moment to see it."


def new_submission():
    """Return a fresh value for a form's ``submission`` field."""
    return secrets.token_urlsafe(16)


def once_per_submission(view):
    """Run ``view`` once per submission of its form; repeat its answer to a second post.

    Goes under ``login_required``: the submissions are the signed-in user's.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        drawn = request.form.get(FIELD, "")
        if PATTERN.fullmatch(drawn):
            answer = _claim(f"web:{g.web_user.id}", g.web_user.id, _key(drawn))
            if answer is not None:
                return answer
        return view(*args, **kwargs)

    return wrapper


def _key(drawn):
    """Return the key of this submission: the value drawn with the form and what it holds.

    An uploaded file counts by its name and content (read, then rewound for the view).
    """
    digest = hashlib.sha256()
    for name, value in sorted(request.form.items(multi=True)):
        if name not in ("csrf_token", FIELD):
            digest.update(f"{len(name)}:{name}{len(value)}:{value}".encode())
    for name, upload in sorted(request.files.items(multi=True), key=lambda pair: pair[0]):
        content = upload.stream.read()
        upload.stream.seek(0)
        filename = upload.filename or ""
        digest.update(f"{len(name)}:{name}{len(filename)}:{filename}{len(content)}:".encode())
        digest.update(content)
    return f"{drawn}.{digest.hexdigest()}"


def _claim(scope, user_id, key):
    """Claim ``key``: None to run, or the first post's answer once it has one."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            return idempotency.claim(scope, user_id, key, keep_refusals=False)
        except HTTPException as error:
            if error.code != 409:
                raise
            db.session.rollback()
            if time.monotonic() >= deadline:
                abort(409, description=STILL_RUNNING)
            time.sleep(POLL_SECONDS)
