"""The web interface: server-rendered pages under ``/app`` on the same rules as the API.

Pages call the areas' functions (never the API over HTTP), sign people in with a cookie
naming a row of ``auth_sessions`` (the API's kind of session), check a CSRF token on every
form post and send a strict Content-Security-Policy. The API is untouched: its blueprints
never read the cookie nor check the token.
"""

from flask import redirect, url_for
from flask.sessions import SecureCookieSessionInterface

from okr_app.api.hooks import forget_when_requests_start
from okr_app.extensions import csrf


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie (it carries the CSRF token), Secure whenever served over https.

    A browser sends the cookie only under its path (``SESSION_COOKIE_PATH``, the interface's
    ``/app``): elsewhere, the API included, the session starts empty without reading any
    cookie or making the cookie's signer, as Flask would find it from a browser anyway.
    """

    def open_session(self, app, request):
        """Open the cookie's session under its path; elsewhere a new, empty one."""
        path = app.config["SESSION_COOKIE_PATH"].rstrip("/")
        if request.path != path and not request.path.startswith(path + "/"):
            return self.session_class()
        return super().open_session(app, request)

    def get_cookie_path(self, app):
        """Return the cookie's path under the prefix the app is served at (``/okr/app``)."""
        from flask import request

        return (request.script_root if request else "") + app.config["SESSION_COOKIE_PATH"]

    def get_cookie_secure(self, app):
        """Mark the cookie Secure on https requests (after the trusted proxies)."""
        from flask import request

        return bool(request) and request.is_secure


def init_app(app):
    """Register the interface's blueprint, its CSRF check and the redirect from ``/``."""
    from okr_app.audit.hook import answer_in_pages
    from okr_app.web.routes import blp, unrecorded_page
    from okr_app.web.shared import blp as shared_blp

    forget_when_requests_start(app, "web_user")
    app.session_interface = SessionInterface()
    csrf.init_app(app)
    app.register_blueprint(blp)
    app.register_blueprint(shared_blp)
    answer_in_pages(app, blp.name, unrecorded_page)
    app.add_url_rule("/", "root", lambda: redirect(url_for("web.dashboard"), 302))
