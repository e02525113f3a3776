"""The end of every request's session: never an error escaping Flask.

Flask runs ``teardown_appcontext`` functions after the answer is made; one that raises
escapes Flask, and gunicorn then answers its own HTML 500 in place of the answer already
made. Removing the session on a connection the database dropped can raise: that is
logged, the connection is given up, and the answer stands.
"""

import logging

from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger("okr_app.database")


def init_app(app, db):
    """End each request's session safely, before Flask-SQLAlchemy's own teardown runs."""

    # Registered after Flask-SQLAlchemy's: teardown functions run in reverse order.
    @app.teardown_appcontext
    def remove_session(_error):
        """Remove the session; a failure to close a lost connection is logged, not raised."""
        try:
            db.session.remove()
        except (SQLAlchemyError, OSError):
            logger.warning("the session could not be closed cleanly; its connection is dropped")
            try:
                db.session.registry.clear()
            except Exception:
                logger.exception("the session registry could not be cleared")
