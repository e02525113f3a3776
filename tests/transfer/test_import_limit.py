"""nginx lets imports through up to the app's own limit for them, and nothing else."""

import re
from pathlib import Path

from okr_app.config import DEFAULTS

NGINX = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def test_nginx_allows_imports_up_to_okr_import_max_bytes():
    config = re.sub(r"#.*", "", NGINX.read_text())
    for path in ("/import", "/app/import"):  # the API's and the interface's import form
        block = re.search(rf"location = {path} \{{(.*?)\}}", config, re.S).group(1)
        size = re.search(r"client_max_body_size (\d+)m;", block)
        assert int(size.group(1)) * 1024 * 1024 == DEFAULTS["OKR_IMPORT_MAX_BYTES"]
        assert "proxy_pass http://okr_api;" in block
    # Everywhere else the 64 KiB limit stays.
    assert re.findall(r"client_max_body_size (\w+);", config) == ["64k", "10m", "10m"]
