"""Hostile clients: id guessing, stolen or stale tokens, and lockout evasion."""

import pytest

from tests.admin.conftest import make_admin
from tests.conftest import PASSWORD, bearer
from tests.factories import create_key_result, create_objective
from tests.security.test_hostile_input import snapshot


def test_sequential_id_guessing_finds_only_own_data(app, client, auth):
    _, _, victim = auth.user()
    victim_ids = []
    for _ in range(3):
        objective = create_objective(client, victim, title="Victim's")
        victim_ids.append(objective["id"])
        victim_ids.append(create_key_result(client, victim, objective["id"])["id"])
    _, _, intruder = auth.user()
    mine = create_objective(client, intruder, title="Mine")
    before = snapshot(app)
    found = []
    # The ids around those taken here: other tests may have used the lower ones.
    for guess in sorted({i + step for i in (*victim_ids, mine["id"]) for step in (-1, 0, 1, 2)}):
        for path in (
            f"/objectives/{guess}",
            f"/key-results/{guess}",
            f"/key-results/{guess}/check-ins",
        ):
            response = client.get(path, headers=intruder)
            if response.status_code == 200:
                found.append(path)
            else:
                assert response.status_code == 404
                assert "Victim" not in response.get_data(as_text=True)
            assert client.patch(
                path.replace("/check-ins", ""), json={"title": "pwned"}, headers=intruder
            ).status_code in (200, 404)
    assert found == [f"/objectives/{mine['id']}"]
    assert snapshot(app)["objectives"] != before["objectives"]  # only the intruder's own title
    victims = client.get("/objectives", headers=victim).get_json()
    assert {objective["title"] for objective in victims} == {"Victim's"}


def test_user_tokens_never_reach_admin_routes_or_other_users(app, client, auth):
    profile, _, headers = auth.user()
    admin, admin_headers = make_admin(app, auth, "root@example.com")
    before = snapshot(app)
    for method, path, body in [
        ("GET", "/admin/users", None),
        ("PATCH", f"/admin/users/{profile['id']}", {"role": "admin"}),
        ("PATCH", f"/admin/users/{admin['id']}", {"is_active": False}),
        ("DELETE", f"/admin/users/{admin['id']}", None),
    ]:
        assert client.open(path, method=method, json=body, headers=headers).status_code == 403
    assert client.get(f"/stats?user_id={admin['id']}", headers=headers).status_code == 403
    assert client.get(f"/audit?user_id={admin['id']}", headers=headers).status_code == 403
    assert snapshot(app) == before
    assert client.get("/auth/me", headers=admin_headers).get_json()["role"] == "admin"


@pytest.mark.parametrize("change", ["deactivated", "deleted"])
def test_tokens_of_a_deactivated_or_deleted_user(app, client, auth, change):
    profile, tokens, headers = auth.user()
    _, admin_headers = make_admin(app, auth, "root@example.com")
    url = f"/admin/users/{profile['id']}"
    if change == "deactivated":
        client.patch(url, json={"is_active": False}, headers=admin_headers)
    else:
        client.delete(url, headers=admin_headers)
    before = snapshot(app)
    assert client.get("/auth/me", headers=headers).status_code == 401
    assert (
        client.post(
            "/objectives", json={"title": "x", "period": "2026"}, headers=headers
        ).status_code
        == 401
    )
    assert client.post("/auth/refresh", headers=bearer(tokens["refresh_token"])).status_code == 401
    assert snapshot(app) == before


def test_tokens_after_logout_and_password_change(client, auth):
    profile, tokens, headers = auth.user()
    client.post("/auth/logout", headers=headers)
    assert (
        client.post(
            "/objectives", json={"title": "x", "period": "2026"}, headers=headers
        ).status_code
        == 401
    )
    second = auth.login(profile["email"]).get_json()
    changed = client.post(
        "/auth/change-password",
        headers=bearer(second["access_token"]),
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert changed.status_code == 200
    for token in (second["access_token"], tokens["access_token"]):
        assert client.get("/objectives", headers=bearer(token)).status_code == 401


def fullwidth(text):
    """Return ``text`` in its fullwidth forms (U+FF21 for A, and so on)."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


@pytest.mark.parametrize(
    "variant",
    [
        fullwidth("ALICE") + "@" + fullwidth("example.com"),  # folds to ASCII under NFKC
        "ALICE@EXAMPLE.COM",
        "\talice@example.com\n",
        "Alice@Example.Com ",
    ],
)
def test_spelling_variants_share_the_lock(auth, variant):
    auth.register("alice@example.com")
    for _ in range(5):
        assert auth.login(variant, "wrong password here").status_code == 401
    assert auth.login("alice@example.com").status_code == 429


@pytest.mark.parametrize(
    "look_alike",
    [
        "\u0430lice@example.com",  # Cyrillic a
        "alice@examp1e.com",
        "alice\u200b@example.com",  # zero-width space
    ],
)
def test_look_alikes_are_other_identifiers_and_never_reach_the_account(auth, look_alike):
    auth.register("alice@example.com")
    assert auth.login(look_alike, PASSWORD).status_code == 401
    for _ in range(5):
        auth.login(look_alike, "wrong password here")
    assert auth.login(look_alike, PASSWORD).status_code == 429
    assert auth.login("alice@example.com").status_code == 200


@pytest.mark.settings(OKR_LOGIN_IP_LIMIT="10 per 3 minutes")
def test_spraying_many_accounts_from_one_address_is_throttled(client, auth):
    for index in range(4):
        auth.register(f"user{index}@example.com")
    statuses = [
        auth.login(f"user{index % 4}@example.com", f"guess number {index}").status_code
        for index in range(12)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]
    # the right password from that address waits too, but another address is free
    assert auth.login("user0@example.com").status_code == 429
    other = client.post(
        "/auth/login",
        json={"email": "user0@example.com", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert other.status_code == 200
