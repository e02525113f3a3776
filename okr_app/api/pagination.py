"""One page of a query, with the total that flask-smorest puts in ``X-Pagination``."""

from sqlalchemy import func, select

from okr_app.extensions import db


def page_of(statement, pagination_parameters):
    """Run ``statement`` for the requested page and record the total item count."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    pagination_parameters.item_count = total
    offset = (pagination_parameters.page - 1) * pagination_parameters.page_size
    return db.session.scalars(statement.limit(pagination_parameters.page_size).offset(offset)).all()
