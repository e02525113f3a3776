"""Which user each table's rows belong to: the claim docs/SCALING.md builds on.

Every table holding user data names its user in a column (``user_id`` as a rule), so
that the schema could be distributed by user (Citus, co-located tables). The rest belongs
to no user. tests/database/test_user_data.py
keeps every table declared here and checks each request's statements against it.
"""

#: Tables of one user's data -> the column naming that user (the distribution column).
BY_USER = {
    "users": "id",
    "auth_sessions": "user_id",
    "personal_tokens": "user_id",
    "idempotency_keys": "user_id",
    "objectives": "user_id",
    "objective_closings": "user_id",
    "key_results": "user_id",
    "check_ins": "user_id",
    "key_result_reminders": "user_id",
    "calendar_feeds": "user_id",
    "webhooks": "user_id",
    "outbox_events": "user_id",
    "share_links": "user_id",
    "webhook_deliveries": "user_id",
    # The actor's chain; its rows outlive a deleted account, so no foreign key.
    "audit_log": "chain_key",
    "audit_chain_head": "chain_key",
}
#: Tables of no user: one row set for the whole service.
SHARED = {
    "audit_checkpoint": "every chain's head at one moment",
    "worker_heartbeats": "the worker processes alive",
}
#: User columns that may be null, and why: such rows belong to no user.
NULLABLE_USER = {"idempotency_keys": "keys of requests made without a login (by address)"}
#: Other columns a statement may narrow a table's rows by to one user's.
ALSO_NARROWED_BY = {"audit_log": ("actor_id", "owner_id")}
#: Unique columns a request finds its user by, from the credential it presents instead of
#: a login: the e-mail at login, a personal token, a calendar feed's or share link's token.
FOUND_BY_CREDENTIAL = {
    "users": ("email",),
    "personal_tokens": ("secret_hash",),
    "calendar_feeds": ("token_hash",),
    "share_links": ("token_hash",),
}
