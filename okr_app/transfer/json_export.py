"""The JSON export: one document, written while the check-ins are read from the database."""

import json
from collections import defaultdict
from itertools import groupby

from okr_app.transfer import queries
from okr_app.transfer.records import (
    check_in_record,
    closing_record,
    iso,
    key_result_record,
    objective_record,
)

CHUNK_CHARACTERS = 64 * 1024


def dumps(value):
    """Return ``value`` as compact JSON."""
    return json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))


def opened(fields, list_name):
    """Return ``fields`` as a JSON object left open in a list named ``list_name``."""
    # The list's items are written one by one after this, and the object closed by "]}".
    return dumps(fields)[:-1] + "," + dumps(list_name) + ":["


class CheckInsByKeyResult:
    """Hand out the check-ins of each key result in turn from one ordered stream."""

    def __init__(self, stream):
        self.groups = groupby(stream, key=lambda row: row.key_result_id)
        self.current = next(self.groups, None)

    def of(self, key_result_id):
        """Yield the check-ins of ``key_result_id``, the next key result in the stream's order."""
        if self.current is not None and self.current[0] == key_result_id:
            yield from self.current[1]
            self.current = next(self.groups, None)


def document_parts(user_id, exported_at):
    """Yield the export document as small strings, in the order of ``queries.check_ins``."""
    queries.one_snapshot()
    key_results = _grouped(queries.key_results(user_id))
    closings = _grouped(queries.closings(user_id))
    existing_ids = {row.id for group in key_results.values() for row in group}
    check_ins = CheckInsByKeyResult(queries.check_ins(user_id))
    yield opened({"version": 1, "exported_at": iso(exported_at)}, "objectives")
    for index, objective in enumerate(queries.objectives(user_id)):
        record = objective_record(objective)
        record["closings"] = [closing_record(row, existing_ids) for row in closings[objective.id]]
        yield ("," if index else "") + opened(record, "key_results")
        for position, key_result in enumerate(key_results[objective.id]):
            yield ("," if position else "") + opened(key_result_record(key_result), "check_ins")
            for number, check_in in enumerate(check_ins.of(key_result.id)):
                yield ("," if number else "") + dumps(check_in_record(check_in))
            yield "]}"
        yield "]}"
    yield "]}"


def in_chunks(parts, size=CHUNK_CHARACTERS):
    """Join small strings into UTF-8 chunks of about ``size`` characters."""
    buffer, length = [], 0
    for part in parts:
        buffer.append(part)
        length += len(part)
        if length >= size:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode()


def _grouped(found):
    """Return rows grouped by ``objective_id``, keeping their order."""
    groups = defaultdict(list)
    for row in found:
        groups[row.objective_id].append(row)
    return groups
