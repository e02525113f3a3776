"""GET /export and POST /import: the caller's data out, and back in."""

from flask import current_app, request
from flask_jwt_extended import current_user

from okr_app.api.auditing import attach, audited
from okr_app.api.blueprint import ERROR, Blueprint
from okr_app.transfer.concurrency import one_at_a_time
from okr_app.transfer.exporting import export_download
from okr_app.transfer.importing import import_document
from okr_app.transfer.schemas import (
    ENTITIES,
    ExportDocumentSchema,
    ExportQuerySchema,
    ImportResultSchema,
)

blp = Blueprint(
    "transfer",
    __name__,
    description="Everything the caller keeps, as a JSON document or CSV files, and back.",
)
DISPOSITION_HEADER = {
    "Content-Disposition": {
        "description": "attachment, with a file name such as okr-20261125T120000Z.json.",
        "schema": {"type": "string"},
    }
}
ZIP = {200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}}
CSV = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}
ENTITY_RULE = "/export/<any(" + ", ".join(ENTITIES) + "):entity>.csv"


@blp.before_request
def allow_large_imports():
    """Give POST /import its own body limit, ``OKR_IMPORT_MAX_BYTES``."""
    if request.endpoint == "transfer.import_objectives":
        request.max_content_length = current_app.config["OKR_IMPORT_MAX_BYTES"]


@blp.route("/export", methods=["GET"])
@blp.login_required
@blp.arguments(ExportQuerySchema, location="query")
@blp.response(200, ExportDocumentSchema, headers=DISPOSITION_HEADER)
def get_export(query):
    """Download the caller's objectives, key results, check-ins and closings as JSON.

    One document that `POST /import` takes back: objectives by id, each with its closings
    and key results, each key result with its check-ins oldest first. The answer is
    streamed: check-ins are written while they are read. The CSV files have operations of
    their own (`GET /export.zip`, `GET /export/{entity}.csv`); the older `format=csv` and
    `entity` parameters still answer them here, as listed under
    `x-legacy-query-parameters`.
    """
    return export_download(current_user.id, query)


@blp.route("/export.zip", methods=["GET"])
@blp.login_required
@blp.response(200, headers=DISPOSITION_HEADER)
@blp.doc(responses=ZIP)
def get_export_zip():
    """Download the caller's data as a zip of CSV files, one per entity.

    `objectives.csv`, `key_results.csv`, `check_ins.csv` and `closings.csv`, each with a
    header row and ids linking them. Streamed as it is written.
    """
    return export_download(current_user.id, {"format": "csv"})


@blp.route(ENTITY_RULE, methods=["GET"])
@blp.login_required
@blp.response(200, headers=DISPOSITION_HEADER)
@blp.doc(responses=CSV)
def get_export_csv(entity):
    """Download one entity of the caller's data as a CSV file with a header row."""
    return export_download(current_user.id, {"format": "csv", "entity": entity})


@blp.route("/import", methods=["POST"])
@audited("data.imported")
@blp.login_required
@one_at_a_time
@blp.arguments(ExportDocumentSchema)
@blp.response(201, ImportResultSchema)
@blp.alt_response(409, response=ERROR)
@blp.alt_response(413, response=ERROR)
@blp.alt_response(429, response=ERROR)
def import_objectives(document):
    """Recreate the objectives, key results, check-ins and closings of a JSON export.

    They are added to the caller's data with new ids, linked as in the document. Every
    field is checked as in the other requests; one error anywhere refuses the whole
    document with 422, naming where it is (e.g. `objectives.3.key_results.0.title`), and
    nothing is imported. Bodies over `OKR_IMPORT_MAX_BYTES` (10 MiB by default) are 413;
    documents of more than `OKR_IMPORT_MAX_RECORDS` records (objectives, key results,
    check-ins and closings together; 20,000 by default) are 422 naming `objectives`: split
    them into several documents. One import per user runs at a time: another sent
    meanwhile is 409 with `Retry-After`, to be retried when the first has finished; and at
    most `OKR_IMPORT_MAX_CONCURRENT` (1 by default) run at once in all: beyond, 429 with
    `Retry-After`. Neither refusal is kept for an `Idempotency-Key`: the retry runs.
    """
    summary = import_document(current_user.id, document)
    attach(
        resource_type="user",
        resource_id=current_user.id,
        details={name: value for name, value in summary.items() if name != "objective_ids"},
    )
    return summary
