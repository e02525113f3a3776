"""Prepare the load generator's data over HTTP: tokens, key result ids and ETags."""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from okr_app.demo.seed import DEMO_EMAIL, DEMO_PASSWORD

#: Objectives per user that the PATCH scenario edits (each needs its ETag first); its
#: warm-up edits as many others, so that the measured run starts with current ETags.
PATCHED_PER_USER = 3


def call(base_url, method, path, body=None, token=None):
    """Send one JSON request; return ``(status, headers, parsed body)``."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base_url + path, data, headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.loads(response.read() or "null")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read() or "null")


def login(base_url, email):
    """Log ``email`` in with the demo password; return the access token."""
    status, _headers, body = call(
        base_url, "POST", "/auth/login", {"email": email, "password": DEMO_PASSWORD}
    )
    if status != 200:
        raise RuntimeError(f"login of {email} answered {status}: {body}")
    return body["access_token"]


def user_data(base_url, index):
    """Log demo user ``index`` in; return its token, key result ids and objective ETags."""
    token = login(base_url, DEMO_EMAIL.format(index=index))
    status, _headers, page = call(base_url, "GET", "/objectives", token=token)
    if status != 200:
        raise RuntimeError(f"GET /objectives answered {status}: {page}")
    key_results = [item["id"] for objective in page for item in objective["key_results"]]
    etags = []
    for objective in page[: 2 * PATCHED_PER_USER]:
        status, headers, _body = call(
            base_url, "GET", f"/objectives/{objective['id']}", token=token
        )
        if status != 200:
            raise RuntimeError(f"GET /objectives/{objective['id']} answered {status}")
        etags.append((objective["id"], headers["ETag"]))
    return {"email": DEMO_EMAIL.format(index=index), "token": token}, key_results, etags


def prepare(base_url, users, directory, parallel=4):
    """Write the data files the wrk scripts read; return their paths by name.

    Rows are interleaved user by user, so consecutive requests come from different users.
    """
    with ThreadPoolExecutor(parallel) as pool:
        results = list(pool.map(lambda index: user_data(base_url, index), range(1, users + 1)))
    rows = {
        "tokens": [[user["token"]] for user, _key_results, _etags in results],
        "logins": [[user["email"]] for user, _key_results, _etags in results],
        "check_ins": _interleave(
            [[user["token"], key_result] for key_result in key_results[:8]]
            for user, key_results, _etags in results
        ),
        "patches": _interleave(
            [[user["token"], objective, etag] for objective, etag in etags[:PATCHED_PER_USER]]
            for user, _key_results, etags in results
        ),
        "patches_warmup": _interleave(
            [[user["token"], objective, etag] for objective, etag in etags[PATCHED_PER_USER:]]
            for user, _key_results, etags in results
        ),
    }
    paths = {}
    for name, lines in rows.items():
        paths[name] = directory / f"{name}.tsv"
        paths[name].write_text("".join("\t".join(map(str, line)) + "\n" for line in lines))
    return paths


def _interleave(groups):
    """Return the rows of every group, taking one from each group in turn."""
    groups = [list(group) for group in groups]
    longest = max((len(group) for group in groups), default=0)
    return [group[i] for i in range(longest) for group in groups if i < len(group)]
