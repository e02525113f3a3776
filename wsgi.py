"""The WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi``."""

from okr_app import create_app

app = create_app()
