"""A client generated from the live /openapi.json is complete, typed and never surprised.

``openapi-python-client`` generates it into a temporary folder (without a warning), the
whole journey of tests/contract/client_journey.py runs through it against the app, and
``mypy --strict`` type-checks that journey against the generated types.
"""

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

HERE = Path(__file__).parent
BIN = Path(sys.executable).parent
# The one setting a generator needs: it types binary answers as application/octet-stream.
CONFIG = {"content_type_overrides": {"application/zip": "application/octet-stream"}}


@pytest.fixture
def generated(client, tmp_path):
    """Generate the client package ``okr_client`` into ``tmp_path``; return the folder."""
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(client.get("/openapi.json").get_json()))
    config = tmp_path / "config.json"
    config.write_text(json.dumps({**CONFIG, "post_hooks": []}))
    command = [
        str(BIN / "openapi-python-client"),
        "generate",
        "--path",
        str(document),
        "--config",
        str(config),
        "--meta",
        "none",
        "--output-path",
        str(tmp_path / "okr_client"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in [name for name in sys.modules if name.split(".")[0] == "okr_client"]:
        del sys.modules[name]
    sys.modules.pop("tests.contract.client_journey", None)


def test_the_generated_client_names_every_operation(generated):
    modules = {path.stem for path in (generated / "okr_client" / "api").rglob("*.py")}
    for name in ("list_objectives", "create_check_in", "get_export_zip", "get_export_csv"):
        assert name in modules
    assert not any(name.startswith(("post_", "get_key_results_")) for name in modules)


def test_the_whole_journey_runs_through_the_generated_client(app, generated):
    journey = importlib.import_module("tests.contract.client_journey")
    transport = httpx.WSGITransport(app=app)
    seen = journey.journey("http://localhost", {"transport": transport}, "typed@example.com")
    assert seen["progress"] == 40.0
    assert seen["history"] == [12.0]
    assert seen["titles"] == ["Calls"]
    assert seen["listed"] == [seen["next_id"] - 1]
    assert seen["objectives_total"] == 1
    assert (seen["status"], seen["grade"]) == ("missed", 0.4)
    assert seen["copy_values"] == [12.0]
    assert seen["exported"] == 2 and seen["imported"] == 2
    assert seen["zip_names"] == [
        "check_ins.csv",
        "closings.csv",
        "key_results.csv",
        "objectives.csv",
    ]
    assert seen["csv_header"].startswith("id,")
    assert {"objective.created", "objective.closed", "data.imported"} <= seen["actions"]


def test_the_journey_type_checks_strictly_against_the_generated_client(generated):
    shutil.copy(HERE / "client_journey.py", generated / "client_journey.py")
    command = [
        str(BIN / "mypy"),
        "--strict",
        "--cache-dir",
        str(generated / ".mypy_cache"),
        "client_journey.py",
    ]
    result = subprocess.run(command, capture_output=True, text=True, cwd=generated, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
