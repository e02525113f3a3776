"""Access tokens whose signature was verified, kept so that each is verified once.

A client presents the same access token with every request of its lifetime, and PyJWT's
full decoding (base64 checked character by character in Python, two JSON documents, the
HMAC, the claims) cost a check-in about a twentieth of its instructions. The outcome for a
given token string under given settings never changes, except for the claims about time:
the first presentation goes through PyJWT's whole check, and later ones re-check only
``exp``, ``nbf`` and ``iat`` against the clock, with PyJWT's rules and leeway. A token is
kept only once it passed; the key and every verification setting are part of what it is
kept under, so a change of the secret (or another app in the process) verifies anew.
"""

import functools
from datetime import UTC, datetime, timedelta

import jwt as pyjwt

#: Tokens kept per process, the least recently presented dropped first.
KEPT_TOKENS = 4096


def decode(token, key, *, algorithms, audience, issuer, leeway, options):
    """Return ``{"header", "payload"}`` of ``token`` as ``jwt.decode_complete`` would.

    Raises PyJWT's errors as it does, for a token checked before as for a new one; the
    returned documents are the caller's to change.
    """
    header, payload = _verified(
        token,
        key,
        tuple(algorithms),
        tuple(audience) if isinstance(audience, list) else audience,
        tuple(issuer) if isinstance(issuer, list) else issuer,
        leeway,
        tuple(sorted(options.items())),
    )
    _check_time(payload, leeway)
    return {"header": dict(header), "payload": dict(payload)}


@functools.lru_cache(maxsize=KEPT_TOKENS)
def _verified(token, key, algorithms, audience, issuer, leeway, options):
    """Return ``(header, payload)`` of a token that passes PyJWT's whole check now."""
    decoded = pyjwt.decode_complete(
        token,
        key,
        algorithms=list(algorithms),
        audience=list(audience) if isinstance(audience, tuple) else audience,
        issuer=list(issuer) if isinstance(issuer, tuple) else issuer,
        leeway=leeway,
        options=dict(options),
    )
    return decoded["header"], decoded["payload"]


def _check_time(payload, leeway):
    """Raise as PyJWT does when the token has expired or is not valid yet.

    The claims are integers here: the token passed PyJWT's check once, which refuses
    any other type.
    """
    if isinstance(leeway, timedelta):
        leeway = leeway.total_seconds()
    now = datetime.now(UTC).timestamp()
    if "iat" in payload and int(payload["iat"]) > now + leeway:
        raise pyjwt.ImmatureSignatureError("The token is not yet valid (iat)")
    if "nbf" in payload and int(payload["nbf"]) > now + leeway:
        raise pyjwt.ImmatureSignatureError("The token is not yet valid (nbf)")
    if "exp" in payload and int(payload["exp"]) <= now - leeway:
        raise pyjwt.ExpiredSignatureError("Signature has expired")
