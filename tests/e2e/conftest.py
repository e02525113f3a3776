"""The ``stack`` fixture: the deployed service, started once for tests/e2e and always stopped.

The module needs PostgreSQL (``TEST_DATABASE_URL``, on whose server a fresh database is
created and dropped) and the ``redis-server`` and ``nginx`` binaries; without them it is
skipped, unless ``E2E_REQUIRED=1`` (set by .ci/run), where that is a failure.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL
from tests.e2e.stack import Stack


def missing():
    """Return what the end-to-end tests need and this machine lacks."""
    needs = [] if POSTGRES_URL else ["TEST_DATABASE_URL"]
    return needs + [binary for binary in ("redis-server", "nginx") if not shutil.which(binary)]


def require(lacking):
    """Skip the test for what this machine lacks, or fail it under ``E2E_REQUIRED=1``."""
    if lacking:
        message = "end-to-end tests need " + ", ".join(lacking)
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="package")
def stack():
    """Start the stack, yield it, then stop every process and drop the database."""
    require(missing())
    # nginx's workers must reach their temporary files under this directory.
    directory = Path(tempfile.mkdtemp(prefix="okr-e2e-"))
    directory.chmod(0o755)
    deployed = Stack(directory, POSTGRES_URL)
    try:
        try:
            deployed.start()
        except Exception:
            print(deployed.log_tails())  # pytest shows it with the error
            raise
        yield deployed
    finally:
        deployed.stop()
        shutil.rmtree(directory, ignore_errors=True)
