"""Extension instances, created once and bound to an app in the factory."""

import flask_limiter
from flask_jwt_extended import JWTManager
from flask_limiter.constants import ConfigVars
from flask_limiter.util import get_remote_address
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints keep migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
api = Api()
jwt = JWTManager()


class ViewLimiter(flask_limiter.Limiter):
    """Flask-Limiter checking the limits declared on views, and those only.

    The API-wide limit is a hook of okr_app's (okr_app/api/ratelimit.py), so Flask-Limiter's
    own before-request check, meant for application, default and meta limits, has nothing
    to find on any request, at about 4 % of a check-in's instructions. It is left out, and
    an app configured with such limits does not start rather than run without them. A limit
    on a view (``@limiter.limit``, ``limiter.shared_limit``) is checked when the view runs,
    as Flask-Limiter always checks it; a limit on a whole blueprint would not be: declare it
    on its views.
    """

    #: Limits only the left-out check applies to every request (the in-memory fallback's
    #: while the storage is down, too).
    MIDDLEWARE_SETTINGS = (
        ConfigVars.APPLICATION_LIMITS,
        ConfigVars.DEFAULT_LIMITS,
        ConfigVars.META_LIMITS,
        ConfigVars.IN_MEMORY_FALLBACK,
    )

    def init_app(self, app):
        """Bind to ``app``; refuse the settings of limits only the left-out check reads."""
        for name in self.MIDDLEWARE_SETTINGS:
            if app.config.get(name):
                raise RuntimeError(
                    f"{name} is not read: the API-wide limit is OKR_API_RATE_LIMIT, and "
                    "limits on single routes are declared on their views"
                )
        super().init_app(app)

    def _check_request_limit(self, callable_name=None, in_middleware=True):
        if not in_middleware:
            super()._check_request_limit(callable_name, in_middleware)


# The API-wide limit has a key function of its own (okr_app/api/ratelimit.py); the client
# address is the key of anything else limited.
limiter = ViewLimiter(key_func=get_remote_address)
# The web interface's forms only: WTF_CSRF_CHECK_DEFAULT is off, so the API is never checked.
csrf = CSRFProtect()
