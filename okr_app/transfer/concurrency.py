"""One import at a time per user, across every worker: the next one is refused with 409."""

from functools import wraps

from flask import current_app
from flask_jwt_extended import current_user
from flask_smorest import abort

from okr_app.api.ratelimit import StorageUnavailable, storage_call
from okr_app.extensions import limiter


def one_at_a_time(view):
    """Refuse the caller's import with 409 while another of theirs runs; place under login.

    The claim is an entry in the rate-limit storage (Redis when configured, so every
    worker sees it), taken before the body is parsed and released when the view ends; it
    lapses after ``OKR_IMPORT_LOCK_SECONDS`` should a worker die holding it. With the
    storage unreachable the import goes on unclaimed: its size is bounded all the same.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = f"okr/import-running/{current_user.id}"
        expiry = current_app.config["OKR_IMPORT_LOCK_SECONDS"]
        try:
            claimed = storage_call(limiter.storage.acquire_entry, key, 1, expiry)
        except StorageUnavailable:
            current_app.logger.warning("import not claimed: the rate-limit storage is unreachable")
            return view(*args, **kwargs)
        if not claimed:
            abort(409, message="Another import of yours is running. Retry when it has finished.")
        try:
            return view(*args, **kwargs)
        finally:
            try:
                storage_call(limiter.storage.clear, key)
            except StorageUnavailable:
                current_app.logger.warning("import claim not released; it lapses by itself")

    return wrapper
