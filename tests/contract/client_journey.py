"""A user's whole journey through the client generated from /openapi.json (``okr_client``).

Not collected by pytest: tests/contract/test_generated_client.py generates the client, runs
``journey`` against the app and type-checks this file with ``mypy --strict``. It reads the
fields the API always sends without any ``Unset`` guard, as a script naturally would.
"""

import io
import zipfile
from datetime import UTC, datetime
from typing import Any, TypeVar

from okr_client import AuthenticatedClient, Client
from okr_client.api.audit import list_audit_rows
from okr_client.api.auth import login, register
from okr_client.api.check_ins import create_check_in, list_check_ins
from okr_client.api.key_results import create_key_result, get_key_result
from okr_client.api.objective_lifecycle import close_objective, copy_objective
from okr_client.api.objectives import create_objective, get_objective, list_objectives
from okr_client.api.stats import get_stats
from okr_client.api.transfer import get_export, get_export_csv, get_export_zip, import_objectives
from okr_client.models import (
    CheckInWrite,
    Close,
    CloseOutcome,
    Copy,
    Error,
    GetExportCsvEntity,
    KeyResultWrite,
    Login,
    ObjectiveWrite,
    Register,
)
from okr_client.types import File

T = TypeVar("T")
PASSWORD = "journey-through-the-client"


def ok(answer: T | Error | None) -> T:
    """Return a successful answer; fail on an error or an undocumented one."""
    if answer is None or isinstance(answer, Error):
        raise AssertionError(f"the API refused: {answer}")
    return answer


def quarter(moment: datetime, later: int = 0) -> str:
    """Return the name of the quarter ``later`` quarters after the one holding ``moment``."""
    index = moment.year * 4 + (moment.month - 1) // 3 + later
    return f"{index // 4}-Q{index % 4 + 1}"


def journey(base_url: str, httpx_args: dict[str, Any], email: str) -> dict[str, Any]:
    """Register, log in, plan, check in, look at the stats, close, copy, export and import."""
    anonymous = Client(base_url=base_url, httpx_args=httpx_args)
    user = ok(register.sync(client=anonymous, body=Register(email=email, password=PASSWORD)))
    token = ok(login.sync(client=anonymous, body=Login(email=email, password=PASSWORD)))
    client = AuthenticatedClient(base_url=base_url, token=token.access_token, httpx_args=httpx_args)

    now = datetime.now(UTC)
    body = ObjectiveWrite(title="Ship the client", period=quarter(now))
    objective = ok(create_objective.sync(client=client, body=body))
    key_result = ok(
        create_key_result.sync(
            client=client,
            body=KeyResultWrite(
                objective_id=objective.id, title="Calls", metric="calls", target_value=30.0
            ),
        )
    )
    created = ok(create_check_in.sync(key_result.id, client=client, body=CheckInWrite(value=12.0)))
    progress = created.key_result.progress + 0.0
    history = ok(list_check_ins.sync(key_result.id, client=client))
    fetched = ok(get_objective.sync(objective.id, client=client))
    titles = [item.title for item in fetched.key_results]
    forecast = ok(get_key_result.sync(key_result.id, client=client)).forecast
    projected = None if forecast is None else forecast.projected_value
    listed = ok(list_objectives.sync(client=client))
    stats = ok(get_stats.sync(client=client))

    closed = ok(
        close_objective.sync(objective.id, client=client, body=Close(outcome=CloseOutcome.MISSED))
    )
    grade = None if closed.closing is None else closed.closing.grade
    copy = ok(
        copy_objective.sync(
            objective.id, client=client, body=Copy(period=quarter(now, 1)), carry_values=True
        )
    )

    document = ok(get_export.sync(client=client))
    archive = ok(get_export_zip.sync(client=client))
    names = zipfile.ZipFile(io.BytesIO(_payload(archive))).namelist()
    table = ok(get_export_csv.sync(GetExportCsvEntity.OBJECTIVES, client=client))
    imported = ok(import_objectives.sync(client=client, body=document))
    audit = ok(list_audit_rows.sync(client=client, page_size=100))
    return {
        "user_id": user.id,
        "next_id": objective.id + 1,
        "progress": progress,
        "history": [item.value for item in history],
        "titles": titles,
        "projected_value": projected,
        "listed": [item.id for item in listed],
        "objectives_total": stats.objectives.total,
        "status": closed.status.value,
        "grade": grade,
        "copy_period": copy.period,
        "copy_values": [item.current_value for item in copy.key_results],
        "exported": len(document.objectives),
        "zip_names": sorted(names),
        "csv_header": table.splitlines()[0],
        "imported": imported.objectives,
        "actions": {row.action for row in audit},
    }


def _payload(archive: File) -> bytes:
    """Return the bytes of a downloaded file."""
    return archive.payload.read()
