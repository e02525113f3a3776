"""A deactivated account's secrets and reminders rest until it is reactivated.

Deactivation ends its sessions and deletes its personal access tokens (test_users.py);
its calendar feed and share links, credentials in a URL, open nothing meanwhile, and the
worker publishes no reminder for it. Reactivated, all of them work again.
"""

from datetime import UTC, datetime

import pytest
import time_machine

from okr_app.worker.queue import run_periodic
from tests.admin.conftest import make_admin
from tests.factories import create_key_result, create_objective

pytestmark = pytest.mark.settings(
    OKR_ACCESS_TOKEN_SECONDS=365 * 86400, OKR_REFRESH_TOKEN_SECONDS=365 * 86400
)


def reminders(app):
    """Run the worker's reminder scan once; return how many events it published."""
    with app.app_context():
        return run_periodic("reminders")


def test_feed_share_links_and_reminders_rest_while_the_account_is_deactivated(app, client, auth):
    with time_machine.travel(datetime(2026, 1, 5, 10, tzinfo=UTC), tick=False) as clock:
        _, admin_headers = make_admin(app, auth, "root@example.com")
        profile, _, headers = auth.user()
        objective = create_objective(client, headers, check_in_every_days=7)
        create_key_result(client, headers, objective["id"], current_value=5)
        assert reminders(app) == 0  # first sight: nothing due yet
        feed = client.post("/calendar/feed", headers=headers).get_json()["url"]
        share = client.post(f"/objectives/{objective['id']}/share", headers=headers, json={})
        links = [url.removeprefix("http://localhost") for url in (feed, share.get_json()["url"])]
        assert [client.get(link).status_code for link in links] == [200, 200]

        account = f"/admin/users/{profile['id']}"
        assert (
            client.patch(account, headers=admin_headers, json={"is_active": False}).status_code
            == 200
        )
        clock.move_to(datetime(2026, 1, 12, 10, 1, tzinfo=UTC))  # a check-in falls due
        assert [client.get(link).status_code for link in links] == [404, 404]
        assert reminders(app) == 0

        assert (
            client.patch(account, headers=admin_headers, json={"is_active": True}).status_code
            == 200
        )
        assert [client.get(link).status_code for link in links] == [200, 200]
        assert reminders(app) == 1  # the due date, announced now
