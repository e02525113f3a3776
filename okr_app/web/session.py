"""The interface's login cookie: a signed reference to a row of ``auth_sessions``.

The cookie names the session and its user, signed with ``SECRET_KEY``; each request checks
the row exactly as a token's is checked (``tokens.open_session``), so logout, a password
change, deactivation and expiry end a browser's session as they end a token's.
"""

from functools import wraps
from urllib.parse import quote

from flask import abort, current_app, g, redirect, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from okr_app.auth import tokens

COOKIE = "okr_session"
SALT = "okr-web-session"
#: The interface's paths, under the prefix the app is served at (``request.script_root``).
INTERFACE = "/app"


def _serializer():
    """Return the signer of the cookie's value."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def load_user():
    """Return the signed-in user of this request, or None; keep it in ``g.web_user``."""
    if "web_user" not in g:
        g.web_user = None
        value = request.cookies.get(COOKIE)
        if value:
            try:
                session_id, user_id = _serializer().loads(value)
            except (BadSignature, ValueError, TypeError):
                return None
            g.web_user = tokens.open_session(session_id, user_id)
    return g.web_user


def set_cookie(response, session):
    """Sign the browser in to ``session``: HttpOnly, SameSite=Lax, Secure over https."""
    response.set_cookie(
        COOKIE,
        _serializer().dumps([session.id, session.user_id]),
        expires=session.expires_at,
        path=_cookie_path(),
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )
    return response


def clear_cookie(response):
    """Sign the browser out."""
    response.delete_cookie(COOKIE, path=_cookie_path(), secure=request.is_secure, httponly=True)
    return response


def _cookie_path():
    """Return the interface's path under the prefix the app is served at (``/okr/app``)."""
    return request.script_root + INTERFACE


#: What a form posted after its session ended (logout, a password change elsewhere) shows.
SESSION_ENDED = (
    "Your session has ended (you logged out, or the password was changed), so this form "
    "was not saved. Log in again and send it once more."
)


def login_required(view):
    """Send a visitor without a live session to the login page, and back afterwards.

    A form posted without one is refused with 401 (and its audit row says so): the page
    asks to log in again.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        if load_user() is None:
            if request.method != "GET":
                abort(401, description=SESSION_ENDED)
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")), 303)
        return view(*args, **kwargs)

    return wrapper


def safe_next(target):
    """Return where ``target``, a path of the interface, leads, else the dashboard's.

    ``target`` is a path within the app (``/app/...``, as ``request.full_path`` gives it),
    led to under the prefix the app is served at.
    """
    if target and (target == INTERFACE or target.startswith(INTERFACE + "/")):
        # Never a control character: a newline cannot go into the Location header.
        target = quote(target, safe="/?&=%:@!$'()*+,;~-._")
        return request.script_root + target
    return url_for("web.dashboard")
