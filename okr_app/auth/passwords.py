"""Password policy (NIST SP 800-63B) and argon2id hashing (OWASP minimum or above)."""

import gzip
import unicodedata
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")

# OWASP Password Storage Cheat Sheet: argon2id with m=19 MiB, t=2, p=1 at least.
OWASP_MIN = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}


@cache
def common_passwords():
    """Return the shipped set of commonly used and breached passwords, lower-cased."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def policy_errors(password, email):
    """Return the reasons ``password`` is refused for the account ``email`` (empty if fine)."""
    config = current_app.config
    errors = []
    length = len(password)
    if length < config["OKR_PASSWORD_MIN_LENGTH"]:
        errors.append(f"Must be at least {config['OKR_PASSWORD_MIN_LENGTH']} characters long.")
    if length > config["OKR_PASSWORD_MAX_LENGTH"]:
        errors.append(f"Must be at most {config['OKR_PASSWORD_MAX_LENGTH']} characters long.")
    folded = unicodedata.normalize("NFKC", password).lower()
    if folded in common_passwords():
        errors.append("Is too common: it appears in lists of breached passwords.")
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 3 and local_part in folded:
        errors.append("Must not contain the e-mail address's name part.")
    return errors


def _hasher():
    """Return a hasher with the configured cost, never below the OWASP minimum."""
    config = current_app.config
    return PasswordHasher(
        time_cost=max(config["OKR_ARGON2_TIME_COST"], OWASP_MIN["time_cost"]),
        memory_cost=max(config["OKR_ARGON2_MEMORY_KIB"], OWASP_MIN["memory_cost"]),
        parallelism=max(config["OKR_ARGON2_PARALLELISM"], OWASP_MIN["parallelism"]),
    )


def hash_password(password):
    """Return the argon2id hash of ``password``."""
    return _hasher().hash(password)


def verify_password(password_hash, password):
    """Check ``password`` against ``password_hash``; a malformed hash never matches."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    """Tell whether the hash was made with weaker parameters than the current ones."""
    return _hasher().check_needs_rehash(password_hash)


def verify_dummy(password):
    """Spend the time of a real verification, for e-mails without an account."""
    config = current_app.config
    dummy = config.get("_OKR_DUMMY_HASH")
    if dummy is None:
        dummy = config["_OKR_DUMMY_HASH"] = hash_password("dummy password for timing")
    verify_password(dummy, password)
    return False
