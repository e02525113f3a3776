"""What a server process builds once before its first request, instead of during it."""

from okr_app.api.hooks import documented_query_parameters


def warm_up(app):
    """Read the OpenAPI document's query parameters and compile every template now.

    Each process otherwise builds the table of documented query parameters (from the whole
    OpenAPI document) on its first API request, and compiles each page's templates on the
    first request showing it. gunicorn calls this in each new worker before it takes
    requests (``post_worker_init``, before ``gc.freeze`` moves what it built out of the
    collector's way): a new worker's first pages take as long as its later ones (the
    statistics' SQL is still compiled on its first request). Another Flask app served with
    the same gunicorn settings has its templates compiled only.
    """
    if "flask-smorest" in app.extensions:
        with app.app_context():
            documented_query_parameters()
    for name in app.jinja_env.list_templates(extensions=["html"]):
        app.jinja_env.get_template(name)
