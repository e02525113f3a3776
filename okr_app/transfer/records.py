"""Export records: rows as the JSON document and the CSV files write them."""

from datetime import date, datetime


def iso(value):
    """Return a date or time in ISO 8601, None as None."""
    return value.isoformat() if isinstance(value, date | datetime) else value


def objective_record(row):
    """Return an objective's fields (its closings and key results are written after them)."""
    return {
        "id": row.id,
        "title": row.title,
        "description": row.description,
        "period": row.period,
        "status": row.status,
        "check_in_every_days": row.check_in_every_days,
        "copied_from_id": row.copied_from_id,
        "parent_id": row.parent_id,
        "roll_up": row.roll_up,
        "child_weight": row.child_weight,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def key_result_record(row):
    """Return a key result's fields (its check-ins are written after them)."""
    return {
        "id": row.id,
        "title": row.title,
        "metric": row.metric,
        "kind": row.kind,
        "start_value": row.start_value,
        "target_value": row.target_value,
        "threshold": row.threshold,
        "range_min": row.range_min,
        "range_max": row.range_max,
        "due_on": iso(row.due_on),
        "current_value": row.current_value,
        "weight": row.weight,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }


def check_in_record(row):
    """Return a check-in as the JSON document holds it."""
    return {
        "at": iso(row.at),
        "value": row.value,
        "confidence": row.confidence,
        "note": row.note,
        "source": row.source,
    }


def frozen_key_results(items, existing_ids):
    """Return a closing's frozen key results; the id of one deleted since becomes null.

    An id in the document always names a key result of the document, so an import can
    link it, and a round trip gives the same document.
    """
    return [{**item, "id": item["id"] if item["id"] in existing_ids else None} for item in items]


def closing_record(row, existing_ids):
    """Return a closing with its frozen key results."""
    return {
        "outcome": row.outcome,
        "retrospective": row.retrospective,
        "grade": row.grade,
        "final_progress": row.final_progress,
        "closed_at": iso(row.closed_at),
        "reopened_at": iso(row.reopened_at),
        "key_results": frozen_key_results(row.key_results, existing_ids),
    }
