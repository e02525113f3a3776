"""Choosing what an export answers: the JSON document, one CSV file, or a zip of them."""

from flask import Response, stream_with_context

from okr_app.models.types import utcnow
from okr_app.transfer.csv_export import csv_chunks, zip_chunks
from okr_app.transfer.json_export import document_parts, in_chunks


def export_body(user_id, query, moment):
    """Return ``(chunks, content type, file name)`` of the export ``query`` asks for."""
    stamp = moment.strftime("%Y%m%dT%H%M%SZ")
    if query["format"] == "json":
        return in_chunks(document_parts(user_id, moment)), "application/json", f"okr-{stamp}.json"
    if "entity" in query:
        entity = query["entity"]
        return csv_chunks(entity, user_id), "text/csv", f"okr-{entity}-{stamp}.csv"
    return zip_chunks(user_id, moment), "application/zip", f"okr-{stamp}.zip"


def export_download(user_id, query):
    """Return the streamed download of ``export_body``, as an attachment named for now."""
    chunks, content_type, name = export_body(user_id, query, utcnow())
    return Response(
        stream_with_context(chunks),
        mimetype=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
