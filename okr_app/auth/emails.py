"""E-mail normalisation shared by registration, login and the lockout."""

import unicodedata


def normalize_email(email):
    """Return the canonical form of ``email``: NFKC, surrounding spaces removed, lower case.

    Accounts are stored and looked up, and lockouts are keyed, by this one form, so no
    spelling variant of an address can reach an account without also hitting its lock.
    """
    return unicodedata.normalize("NFKC", email).strip().lower()
