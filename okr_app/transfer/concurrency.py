"""Imports one at a time per user, and a few at a time in all, across every worker.

A second import of the same user while one runs is refused with 409; an import while
``OKR_IMPORT_MAX_CONCURRENT`` others run is refused with 429, so the other workers stay
free for everyone else (``/health`` included). Both carry ``Retry-After``: they ask for
the retry, so an ``Idempotency-Key`` sent with them is not kept for the refusal. The
API's ``POST /import`` and the interface's import both hold these claims.
"""

from functools import wraps

from flask import current_app
from flask_jwt_extended import current_user
from flask_smorest import abort

from okr_app.api.ratelimit import StorageUnavailable, storage_call
from okr_app.extensions import limiter

#: Seconds a refused import is asked to wait before its retry (409 and 429).
RETRY_AFTER = "5"


def one_at_a_time(view):
    """Hold the caller's import claims while the view runs; place under login."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        held = take_claims(current_user.id)
        try:
            return view(*args, **kwargs)
        finally:
            release_claims(held)

    return wrapper


def take_claims(user_id):
    """Claim the import slot of ``user_id`` and a server-wide one; return the keys held.

    The claims are entries in the rate-limit storage (Redis when configured, so every
    worker sees them), taken before the body is parsed and given back with
    ``release_claims`` when the import ends; they lapse after ``OKR_IMPORT_LOCK_SECONDS``
    should a worker die holding them. With the storage unreachable the import goes on
    unclaimed (no keys): its size is bounded all the same. Aborts with 409 or 429.
    """
    config = current_app.config
    expiry = config["OKR_IMPORT_LOCK_SECONDS"]
    try:
        own = claim(f"okr/import-running/{user_id}", expiry)
        if own is None:
            abort(
                409,
                message="Another import of yours is running. Retry when it is done.",
                headers={"Retry-After": RETRY_AFTER},
            )
        slots = [f"okr/import-slot/{n}" for n in range(config["OKR_IMPORT_MAX_CONCURRENT"])]
        slot = next((key for key in slots if claim(key, expiry)), None)
        if slot is None:
            release(own)
            abort(
                429,
                message="Too many imports are running. Retry shortly.",
                headers={"Retry-After": RETRY_AFTER},
            )
    except StorageUnavailable:
        current_app.logger.warning("import not claimed: the rate-limit storage is unreachable")
        return ()
    return (slot, own)


def release_claims(keys):
    """Give back the claims ``take_claims`` returned."""
    for key in keys:
        try:
            release(key)
        except StorageUnavailable:
            current_app.logger.warning("import claim not released; it lapses by itself")


def claim(key, expiry):
    """Take the single entry of ``key`` for ``expiry`` seconds; return ``key``, or None if taken."""
    return key if storage_call(limiter.storage.acquire_entry, key, 1, expiry) else None


def release(key):
    """Give back the entry of ``key``."""
    storage_call(limiter.storage.clear, key)
