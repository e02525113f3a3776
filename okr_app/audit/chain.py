"""The hash chains: one per account, each appended to under its own head's lock.

A row's ``hash`` is SHA-256 over ``"<prev_hash>:<seq>:<digest>"``, where ``digest`` is
SHA-256 over the canonical JSON of its content (chain key included). The link is computed
by the database in the statement that advances the head, so an append is one statement on
PostgreSQL (the head's UPDATE feeding the row's INSERT) and two on SQLite. Rows of the
legacy chain (written before chains were per account) keep the formula they were hashed
with: SHA-256 over the canonical JSON of their content, ``seq`` and ``prev_hash`` included.
"""

import functools
import hashlib
import json

from sqlalchemy import String, bindparam, cast, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from okr_app.database.expressions import sha256_hex
from okr_app.extensions import db
from okr_app.models import ANONYMOUS_CHAIN, LEGACY_CHAIN, AuditChainHead, AuditRow

HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "owner_id",
    "action",
    "resource_type",
    "resource_id",
    "outcome",
    "status_code",
    "method",
    "path",
    "ip",
    "user_agent",
    "request_id",
    "details",
    "prev_hash",
)
#: Covered only when set, so that rows written before they existed keep their hashes.
OPTIONAL_HASHED_FIELDS = ("token_id", "chain_key")
#: What the digest of a row covers: its content without its place in the chain.
CONTENT_FIELDS = tuple(name for name in HASHED_FIELDS if name not in ("seq", "prev_hash"))


def canonical(content):
    """Return the canonical JSON text of ``content`` (``at`` in ISO 8601, microseconds)."""
    content = {**content, "at": content["at"].isoformat(timespec="microseconds")}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _optional(fields):
    """Return the optional hashed fields that are set."""
    return {name: fields[name] for name in OPTIONAL_HASHED_FIELDS if fields.get(name) is not None}


def content_digest(fields):
    """Return SHA-256 over a row's content, chain key included, without seq and prev_hash."""
    content = {name: fields[name] for name in CONTENT_FIELDS} | _optional(fields)
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def link_hash(prev_hash, seq, digest):
    """Return a row's hash from the previous row's hash, its position and its digest."""
    return hashlib.sha256(f"{prev_hash}:{seq}:{digest}".encode()).hexdigest()


def row_hash(fields):
    """Return the hash a row must have, by the formula of its chain."""
    if fields.get("chain_key") in (None, LEGACY_CHAIN):
        content = {name: fields[name] for name in HASHED_FIELDS} | _optional(fields)
        content.pop("chain_key", None)
        return hashlib.sha256(canonical(content).encode()).hexdigest()
    return link_hash(fields["prev_hash"], fields["seq"], content_digest(fields))


def chain_key_of(actor_id):
    """Return the chain a row of this actor goes to: theirs, or the anonymous chain."""
    return ANONYMOUS_CHAIN if actor_id is None else actor_id


def append(fields, *, along=None):
    """Add a row to its actor's chain in the current transaction; return its content.

    Advancing the chain's head takes a lock on that head row only (PostgreSQL's row lock;
    SQLite's one write lock), held until the caller's commit: appends to one chain queue
    there and the chain stays linear, while other accounts' appends do not wait. A chain
    used for the first time gets its head first, without a race. ``along``, a ``(table,
    columns)`` pair, is a row of another table written with this one: by the same statement
    on PostgreSQL (a CTE of it, one round trip), right after it elsewhere.
    """
    content = {**fields, "chain_key": chain_key_of(fields.get("actor_id"))}
    digest = content_digest(content)
    dialect = db.session.get_bind().dialect.name
    in_one_statement = dialect == "postgresql"
    if not _append_row(content, digest, dialect, along if in_one_statement else None):
        _create_head(content["chain_key"], dialect)
        # PostgreSQL wrote ``along`` even so: a data-modifying CTE always runs to completion.
        _append_row(content, digest, dialect)
    if along is not None and not in_one_statement:
        table, columns = along
        db.session.execute(insert(table), columns)
    return content


def _append_row(content, digest, dialect, along=None):
    """Advance the head and insert the row; return False when the chain has no head yet."""
    head = {"head_key": content["chain_key"], "head_digest": digest}
    if dialect == "postgresql":
        table, columns = along or (None, {})
        statement = _appending_statement(tuple(content), table, tuple(columns))
        fields = {f"row_{name}": value for name, value in content.items()}
        fields |= {f"along_{name}": value for name, value in columns.items()}
        return db.session.connection().execute(statement, {**fields, **head}).rowcount == 1
    moved = db.session.execute(_advancing_statement(), head).one_or_none()
    if moved is None:
        return False
    link = {"seq": moved.seq, "prev_hash": moved.prev_hash, "hash": moved.last_hash}
    db.session.execute(insert(AuditRow.__table__).values({**content, **link}))
    return True


@functools.cache
def _advancing_statement():
    """Return the UPDATE moving a chain's head on by one row of a digest, RETURNING it.

    Built once: ``head_key`` names the chain, ``head_digest`` is the new row's digest.
    """
    head = AuditChainHead.__table__
    position = cast(head.c.seq + 1, String)
    digest = bindparam("head_digest", type_=String())
    return (
        update(head)
        .where(head.c.chain_key == bindparam("head_key"))
        .values(
            seq=head.c.seq + 1,
            prev_hash=head.c.last_hash,
            last_hash=sha256_hex(head.c.last_hash + ":" + position + ":" + digest),
        )
        .returning(head.c.seq, head.c.prev_hash, head.c.last_hash)
    )


@functools.cache
def _appending_statement(names, along_table=None, along_names=()):
    """Return PostgreSQL's one-statement append of a row of these fields, built once.

    The head's UPDATE runs as a CTE feeding the row's INSERT: no row when the chain has
    no head yet. Each field is bound as ``row_<name>``: bound by a column's bare name, a
    value would also be set by the head's UPDATE. A row of ``along_table`` (columns bound
    as ``along_<name>``) is inserted by a second CTE.
    """
    table = AuditRow.__table__
    moved = _advancing_statement().cte("moved_head")
    values = [bindparam(f"row_{name}", type_=table.c[name].type) for name in names]
    rows = select(*values, moved.c.seq, moved.c.prev_hash, moved.c.last_hash)
    statement = insert(table).from_select([*names, "seq", "prev_hash", "hash"], rows)
    statement = statement.add_cte(moved)
    if along_table is None:
        return statement
    along = {
        name: bindparam(f"along_{name}", type_=along_table.c[name].type) for name in along_names
    }
    return statement.add_cte(insert(along_table).values(along).cte("along"))


def _create_head(key, dialect):
    """Create a chain's head at position 0, unless another transaction just did."""
    insert_of = (postgresql if dialect == "postgresql" else sqlite).insert
    db.session.execute(
        insert_of(AuditChainHead.__table__)
        .values(chain_key=key, seq=0, prev_hash="", last_hash="")
        .on_conflict_do_nothing()
    )
