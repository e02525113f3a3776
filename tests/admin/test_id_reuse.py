"""A deleted account's id, and the ids its rows had, are never given to anyone else."""

from tests.admin.conftest import make_admin
from tests.conftest import bearer
from tests.factories import create_objective


def test_a_new_account_never_gets_a_deleted_accounts_id_or_trail(app, client, auth):
    _, headers = make_admin(app, auth, "root@example.com")
    gone, _, gone_headers = auth.user("gone@example.com")
    objective = create_objective(client, gone_headers, title="Private plans")
    deleted = client.delete(f"/admin/users/{gone['id']}", headers=headers)
    assert deleted.status_code == 204

    newcomer, tokens, new_headers = auth.user("newcomer@example.com")
    assert newcomer["id"] > gone["id"]
    trail = client.get("/audit?page_size=100", headers=new_headers).get_json()
    assert trail, "the newcomer's own registration and login are recorded"
    assert {row["owner_id"] for row in trail} | {row["actor_id"] for row in trail} <= {
        newcomer["id"],
        None,
    }
    assert "gone@example.com" not in str(trail)
    assert "Private plans" not in str(trail)
    # The objective's id is not given again either: the trail keeps it too.
    mine = create_objective(client, bearer(tokens["access_token"]), title="Mine")
    assert mine["id"] > objective["id"]
