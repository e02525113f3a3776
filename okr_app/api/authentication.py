"""Who sends a request: a login session's access token, or a personal access token.

Both come as ``Authorization: Bearer ...``. An access token is a JWT checked with
flask-jwt-extended's settings and callbacks (its loaders live in ``okr_app.auth.tokens``),
read once per request (``login_token_claims``). A personal access token starts with
``okr_pat_``; the loader the auth area registers here (``okr_app.auth.personal_tokens``)
checks it. Either way the view reads ``current_user``. What a personal token may do is
decided here alone, from what each operation declares through ``Blueprint.login_required``
(an ``AccessPolicy``): the scope its method needs (``read`` for GET, ``write`` for POST,
PUT, PATCH and DELETE, and ``read`` as well for a write that opens a way to read), whether
tokens are accepted at all, and which view argument names the key result that a token
restricted to some key results must hold. A token never
carries its owner's admin powers (``caller_is_admin``).
"""

import re
from dataclasses import dataclass

from flask import current_app, g, has_request_context, request
from flask_jwt_extended import current_user, get_jwt, internal_utils, verify_jwt_in_request
from flask_jwt_extended.config import config as jwt_config
from flask_jwt_extended.exceptions import JWTExtendedException
from flask_smorest import abort
from jwt import PyJWTError

from okr_app.api import verified_tokens
from okr_app.api.hooks import forget_when_requests_start

PERSONAL_TOKEN_PREFIX = "okr_pat_"  # noqa: S105 (a prefix, not a secret)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: The ``key_result_arg`` of an operation whose view checks the key results of its body.
IN_BODY = "<body>"
_LOADER = "okr_personal_token_loader"
_CHECKED = "okr_login_check"
#: ``Authorization: Bearer <token>`` with a token of the JWT compact form, and nothing else.
_PLAIN_BEARER = re.compile(r"Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)")


@dataclass(frozen=True)
class AccessPolicy:
    """What an operation accepts: a refresh token, personal tokens, restricted tokens."""

    refresh: bool = False
    personal_tokens: bool = True
    #: The view argument naming the one key result a restricted token must hold; None
    #: refuses restricted tokens, ``IN_BODY`` leaves the check to the view.
    key_result_arg: str | None = None
    #: A write that opens a way to read the account (a feed, a share link, a webhook): a
    #: token needs ``read`` too, or a write-only token could read through what it made.
    opens_reads: bool = False

    def scopes(self, method):
        """Return the scopes a personal token needs for ``method``, or None if refused."""
        if not self.personal_tokens:
            return None
        if method in READ_METHODS:
            return ("read",)
        return ("read", "write") if self.opens_reads else ("write",)


def init_app(app):
    """Forget the previous request's token check when a request starts."""
    forget_when_requests_start(
        app, "okr_personal_token_check", "okr_personal_token", "okr_token_id", _CHECKED
    )


def set_personal_token_loader(app, loader):
    """Let ``loader(token)`` check personal tokens: ``(token, user)``, or why it is refused."""
    app.extensions[_LOADER] = loader


def presented_personal_token():
    """Return the personal access token the request presents, or None."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer " + PERSONAL_TOKEN_PREFIX):
        return header[len("Bearer ") :]
    return None


def personal_token_check():
    """Return ``(token, user)`` for the presented personal token, or why it is refused.

    The loader runs once per request: the rate limit's key and the authentication share it.
    """
    if "okr_personal_token_check" not in g:
        loader = current_app.extensions[_LOADER]
        g.okr_personal_token_check = loader(presented_personal_token())
    return g.okr_personal_token_check


def login_token_claims():
    """Return the claims of the request's login token if it is valid, else None.

    Valid: flask-jwt-extended's whole check passes (signature, expiry, a live session
    through the blocklist loader, its user) for a token of either type. Checked once per
    request: the rate limit's key asks first, and ``authenticate`` takes the answer. A
    database error propagates and leaves the question open, for the view to answer 503.
    """
    kept = g._get_current_object()  # looked up once (``docs/PERFORMANCE.md``)
    if _CHECKED not in kept:
        try:
            claims = _read_login_token()
        except (JWTExtendedException, PyJWTError):
            claims = None
        kept.setdefault(_CHECKED, claims)
    return kept.get(_CHECKED)


def _read_login_token():
    """Check the request's login token as flask-jwt-extended does, reading it once.

    flask-jwt-extended reads a token four times (its claims and its header, each before
    and after the signature check), and each reading checks every character in Python:
    a tenth of a check-in's instructions went to it. A plain ``Bearer <token>``
    header is read once here and verified with the settings flask-jwt-extended verifies
    with (its signature only the first time the process meets it, ``verified_tokens``),
    then goes through the same callbacks (revocation, custom checks, the user) and
    leaves the same request globals behind, so ``current_user`` and ``get_jwt`` answer as
    after ``verify_jwt_in_request``. Anything else (another header shape, an exempt
    method) is left to flask-jwt-extended. A refusal raises; ``authenticate`` then asks
    flask-jwt-extended, which answers why.
    """
    current = request._get_current_object()
    match = _PLAIN_BEARER.fullmatch(current.headers.get("Authorization", ""))
    if match is None or current.method in jwt_config.exempt_methods:
        checked = verify_jwt_in_request(verify_type=False)
        return None if checked is None else get_jwt()
    decoded = verified_tokens.decode(
        match.group(1),
        jwt_config.decode_key,
        algorithms=jwt_config.decode_algorithms,
        audience=jwt_config.decode_audience,
        issuer=jwt_config.decode_issuer,
        leeway=jwt_config.leeway,
        options={
            "verify_aud": jwt_config.decode_audience is not None,
            "verify_sub": jwt_config.verify_sub,
        },
    )
    header, claims = decoded["header"], decoded["payload"]
    if jwt_config.identity_claim_key not in claims:
        return None
    claims.setdefault("type", "access")
    claims.setdefault("fresh", False)
    claims.setdefault("jti", None)
    internal_utils.verify_token_not_blocklisted(header, claims)
    internal_utils.custom_verification_for_token(header, claims)
    user = internal_utils.user_lookup(header, claims)
    if user is None:
        return None
    kept = g._get_current_object()
    kept._jwt_extended_jwt_user = {"loaded_user": user}
    kept._jwt_extended_jwt_header = header
    kept._jwt_extended_jwt = claims
    kept._jwt_extended_jwt_location = "headers"
    return claims


def authenticate(policy):
    """Identify the caller (401), then hold a personal token to ``policy`` (403)."""
    if presented_personal_token() is None:
        claims = login_token_claims()
        wanted = "refresh" if policy.refresh else "access"
        if claims is None or claims.get("type") != wanted:
            # Checked again for its type, or to answer why it is refused.
            verify_jwt_in_request(refresh=policy.refresh)
        return
    found = personal_token_check()
    if isinstance(found, str):
        abort(401, message=found, headers={"WWW-Authenticate": "Bearer"})
    token, user = found
    _act_as(token, user)
    _authorize(token, policy)


def _act_as(token, user):
    """Make ``user`` the request's ``current_user``, acting through ``token``.

    flask-jwt-extended's ``current_user`` reads these request globals, which
    ``verify_jwt_in_request`` sets for an access token.
    """
    g._jwt_extended_jwt_user = {"loaded_user": user}
    g._jwt_extended_jwt_header = {}
    g._jwt_extended_jwt = {}
    g._jwt_extended_jwt_location = "headers"
    # Plain values for the log, the metrics and the audit row, readable after the commit.
    g.okr_user_id = user.id
    g.okr_token_id = token.id
    g.okr_personal_token = token


def _authorize(token, policy):
    """Refuse with 403 what ``policy`` does not allow ``token``."""
    scopes = policy.scopes(request.method)
    if scopes is None:
        abort(403, message="Personal access tokens cannot be used here; log in instead.")
    for scope in scopes:
        if not token.allows(scope):
            abort(403, message=f"This token lacks the {scope} scope.")
    if token.key_result_ids is None or policy.key_result_arg == IN_BODY:
        return
    key_result_id = (request.view_args or {}).get(policy.key_result_arg)
    if policy.key_result_arg is None or key_result_id not in token.key_result_ids:
        _refuse_restricted(token)


def require_key_results(key_result_ids):
    """Refuse with 403 unless the request's token, if any, may use all those key results."""
    token = current_personal_token()
    if token is None or token.key_result_ids is None:
        return
    if not set(key_result_ids) <= set(token.key_result_ids):
        _refuse_restricted(token)


def _refuse_restricted(token):
    """Answer 403 for a request outside the key results a token is restricted to."""
    allowed = ", ".join(str(number) for number in token.key_result_ids) or "none"
    abort(
        403,
        message="This token may only read and check in on its key results "
        f"(ids {allowed}), and call nothing else.",
    )


def current_personal_token():
    """Return the personal access token the request is made with, or None."""
    return g.get("okr_personal_token") if has_request_context() else None


def caller_is_admin():
    """Tell whether the caller may use admin powers: an admin, not through a token."""
    return current_user.is_admin and current_personal_token() is None
