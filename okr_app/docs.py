"""Swagger UI served from the installed package, so /docs works without internet."""

from flask import send_from_directory
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import NotFound

from okr_app.extensions import api

ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js")


def init_app(app):
    """Serve the Swagger UI assets and declare the bearer security scheme."""
    app.add_url_rule("/docs/assets/<path:filename>", "swagger_assets", swagger_asset)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )


def swagger_asset(filename):
    """Return one of the Swagger UI files."""
    if filename not in ASSETS:
        raise NotFound()
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
