"""The CSV export: one file per entity with a header row, alone or together in a zip."""

import csv
import io
import json
import zipfile

from okr_app.transfer import queries
from okr_app.transfer.records import frozen_key_results, iso

COLUMNS = {
    "objectives": (
        "id",
        "title",
        "description",
        "period",
        "start_date",
        "end_date",
        "status",
        "check_in_every_days",
        "copied_from_id",
        "parent_id",
        "roll_up",
        "child_weight",
        "created_at",
        "updated_at",
    ),
    "key_results": (
        "id",
        "objective_id",
        "title",
        "metric",
        "kind",
        "start_value",
        "target_value",
        "threshold",
        "range_min",
        "range_max",
        "due_on",
        "current_value",
        "weight",
        "created_at",
        "updated_at",
    ),
    "check_ins": (
        "id",
        "key_result_id",
        "at",
        "value",
        "confidence",
        "note",
        "source",
        "created_at",
    ),
    "closings": (
        "id",
        "objective_id",
        "outcome",
        "retrospective",
        "grade",
        "final_progress",
        "closed_at",
        "reopened_at",
        "key_results",
    ),
}
READERS = {
    "objectives": queries.objectives,
    "key_results": queries.key_results,
    "check_ins": queries.check_ins,
}
FLUSH_CHARACTERS = 64 * 1024
#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def entity_rows(entity, user_id):
    """Return the rows of one entity's file, as mappings from column to value."""
    if entity == "closings":
        existing_ids = {row.id for row in queries.key_results(user_id)}
        return (
            {
                **row._mapping,
                "key_results": frozen_key_results(row.key_results, existing_ids),
            }
            for row in queries.closings(user_id)
        )
    return (row._mapping for row in READERS[entity](user_id))


def cell(value):
    """Return a CSV cell: empty for null, ISO 8601 for dates and times, JSON for lists.

    Booleans are ``true`` and ``false``, as in the JSON document.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return neutralised(json.dumps(value, allow_nan=False, ensure_ascii=False))
    if isinstance(value, str):
        return neutralised(value)
    return iso(value)


def neutralised(text):
    """Return ``text`` with a leading ``'`` if a spreadsheet would run it as a formula.

    As OWASP recommends: text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a single quote in front (the csv module quotes the cell as needed). Numbers
    are written as numbers, so a negative value stays one. The JSON export is exact.
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(entity, user_id):
    """Yield one entity's CSV file, header row first, in pieces of about 64 KiB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS[entity])
    for row in entity_rows(entity, user_id):
        writer.writerow([cell(row[column]) for column in COLUMNS[entity]])
        if buffer.tell() >= FLUSH_CHARACTERS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_chunks(entity, user_id):
    """Yield one entity's CSV file as UTF-8."""
    for text in csv_text(entity, user_id):
        yield text.encode()


class ZipSink(io.RawIOBase):
    """A write-only, unseekable file that hands out the bytes written to it."""

    def __init__(self):
        super().__init__()
        self.parts = []
        self.position = 0

    def writable(self):
        """Accept writes."""
        return True

    def write(self, data):
        """Keep ``data`` until it is taken."""
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self):
        """Return how many bytes were written; zipfile records offsets with it."""
        return self.position

    def take(self):
        """Return the bytes written since the last call."""
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def zip_chunks(user_id, moment):
    """Yield a zip holding one CSV file per entity, as it is written.

    The sink cannot seek, so zipfile writes each file's sizes after its data (a data
    descriptor) instead of going back to its header: nothing is held but the current piece.
    """
    queries.one_snapshot()
    sink = ZipSink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entity in COLUMNS:
            member = zipfile.ZipInfo(f"{entity}.csv", date_time=moment.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(member, mode="w") as target:
                for text in csv_text(entity, user_id):
                    target.write(text.encode())
                    yield sink.take()
    yield sink.take()
