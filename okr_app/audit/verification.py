"""Verifying the trail: every chain row by row and every checkpoint, streamed in bounded memory.

Memory grows with the number of chains (accounts), never with the number of rows: rows
come through a server-side cursor in chain order, and of the checkpoints only the latest
heads are kept. Each head an earlier checkpoint recorded and a later one moved past is
looked up in batches as the checkpoints stream by: the row at that position must still
have the hash recorded, so a chain cut or rewritten and then grown again is found even
after newer checkpoints took it as it now stands. Checkpoints are read first, then the
heads, then the rows: chains only grow, so what is read later is never shorter than what
was read before, and appends made while it runs are never taken for cuts.

A broken checkpoint is named and passed over: the next sound one anchors the chains from
there on, so a cut it covers is still found. A value that its column cannot hold (SQLite
keeps any text) is named as its row's problem (``okr_app/audit/stored.py``).
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select, tuple_

from okr_app.audit import stored
from okr_app.audit.chain import HASHED_FIELDS, OPTIONAL_HASHED_FIELDS, row_hash
from okr_app.audit.checkpoints import canonical_hash, checkpoint_hash
from okr_app.extensions import db
from okr_app.models import AuditChainHead, AuditCheckpoint, AuditRow

ROW_COLUMNS = ("id", "chain_key", "hash", *HASHED_FIELDS, *OPTIONAL_HASHED_FIELDS)
#: The stored values that the walk parses itself, each by its reader.
ROW_READERS = {"seq": stored.whole_number, "at": stored.timestamp, "details": stored.json_value}
CHECKPOINT_COLUMNS = ("id", "seq", "at", "chains", "heads", "heads_hash", "prev_hash", "hash")
CHECKPOINT_READERS = {
    "seq": stored.whole_number,
    "at": stored.timestamp,
    "heads": stored.chain_heads,
}


@dataclass
class Report:
    """What ``verify`` found: counts, and one line per broken chain or checkpoint."""

    rows: int = 0
    chains: int = 0
    checkpoints: int = 0
    problems: list = field(default_factory=list)


@dataclass
class _Chain:
    """The walk along one chain: where it is, and its first problem if any."""

    key: int
    seq: int = 0
    hash: str = ""
    problem: str | None = None
    problem_seq: int = 0


def _columns(model, names, readers):
    """Return ``model``'s columns of these names, those in ``readers`` read as stored."""
    columns = [getattr(model, name) for name in names]
    return [stored.as_stored(column) if column.key in readers else column for column in columns]


def total_rows():
    """Return how many rows the trail holds (for a progress bar)."""
    return db.session.scalar(select(func.count()).select_from(AuditRow))


def verify(progress=None, batch_size=5000, lookups=400):
    """Check every checkpoint, then every chain against them and its head; return a Report.

    ``progress(n)`` is called with the rows checked since its previous call; ``lookups``
    earlier checkpoints' heads are looked up at once (two parameters each: SQLite takes 999).
    """
    report = Report()
    earlier = _EarlierHeads(lookups)
    anchors, anchored_at = _verify_checkpoints(report, earlier)
    heads = dict(db.session.execute(select(AuditChainHead.chain_key, AuditChainHead.seq)).all())
    columns = _columns(AuditRow, dict.fromkeys(ROW_COLUMNS), ROW_READERS)
    rows = db.session.execute(
        select(*columns)
        .order_by(AuditRow.chain_key, AuditRow.seq)
        .execution_options(stream_results=True, yield_per=batch_size)
    )
    walk, seen, pending = None, set(), 0
    for row in rows:
        if walk is None or row.chain_key != walk.key:
            if walk is not None:
                _end_chain(walk, anchors, anchored_at, heads, earlier, report)
            walk = _Chain(row.chain_key)
            seen.add(row.chain_key)
        fields, unreadable = stored.read(row, ROW_READERS)
        seq = walk.seq + 1 if unreadable == "seq" else fields["seq"]
        if walk.problem is None:
            anchor = anchors.get(str(row.chain_key))
            walk.problem = _row_problem(fields, unreadable, walk, anchor, anchored_at)
            walk.problem_seq = seq
        walk.seq, walk.hash = seq, row.hash
        report.rows += 1
        pending += 1
        if progress and pending == batch_size:
            progress(pending)
            pending = 0
    if walk is not None:
        _end_chain(walk, anchors, anchored_at, heads, earlier, report)
    if progress and pending:
        progress(pending)
    for key in sorted(set(map(int, anchors)) - seen):
        report.problems.append(
            f"chain {key}: missing, but checkpoint {anchored_at} covers it up to seq "
            f"{anchors[str(key)][0]} (the chain was deleted)"
        )
    for key in sorted(set(heads) - seen - set(map(int, anchors))):
        if heads[key] > 0:
            report.problems.append(f"chain {key}: missing, but its head is at seq {heads[key]}")
    told = set(map(int, anchors)) | {key for key, seq in heads.items() if seq > 0}
    for key in sorted(set(earlier.problems) - seen - told):
        report.problems.append(earlier.problems[key][1])
    return report


class _EarlierHeads:
    """Heads of earlier checkpoints, each checked against the row now at its position.

    A checkpoint's head of a chain is kept until a later checkpoint moves past it, then
    looked up with others in one statement per ``batch_size``; only the first problem of
    each chain is kept, so memory grows with chains, never with rows or checkpoints.
    """

    def __init__(self, batch_size):
        self.batch_size = batch_size
        self.pending = []  # (chain, seq, hash recorded, checkpoint)
        self.problems = {}

    def add(self, key, head, checkpoint_seq):
        """Check later that chain ``key`` still has ``head`` ([seq, hash]) at its seq."""
        if key not in self.problems:
            self.pending.append((key, head[0], head[1], checkpoint_seq))
            if len(self.pending) >= self.batch_size:
                self.check()

    def check(self):
        """Look the pending heads up; note the first problem of each chain."""
        if not self.pending:
            return
        found = {
            (key, seq): (row_id, stored)
            for key, seq, row_id, stored in db.session.execute(
                select(AuditRow.chain_key, AuditRow.seq, AuditRow.id, AuditRow.hash).where(
                    tuple_(AuditRow.chain_key, AuditRow.seq).in_(
                        sorted({(key, seq) for key, seq, _, _ in self.pending})
                    )
                )
            )
        }
        for key, seq, recorded, checkpoint_seq in sorted(self.pending):
            row = found.get((key, seq))
            if key in self.problems or (row is not None and row[1] == recorded):
                continue
            if row is None:
                problem = (
                    f"chain {key}: seq {seq} is missing, but checkpoint {checkpoint_seq} "
                    "covers it (rows were cut)"
                )
            else:
                problem = (
                    f"chain {key}: row id={row[0]} seq={seq}: differs from checkpoint "
                    f"{checkpoint_seq} (the chain was rewritten)"
                )
            self.problems[key] = (seq, problem)
        self.pending.clear()


def _verify_checkpoints(report, earlier):
    """Walk the checkpoints in order; return the latest sound one's heads and position.

    A checkpoint whose place in their chain is wrong is named, then taken if sound in
    itself; one unsound in itself (unreadable, or its content not matching its hashes) is
    named and passed over. The heads a checkpoint moves past go to ``earlier``.
    """
    expected_prev, latest, heads, anchored_at = "", 0, {}, 0
    columns = _columns(AuditCheckpoint, CHECKPOINT_COLUMNS, CHECKPOINT_READERS)
    statement = select(*columns).order_by(AuditCheckpoint.seq)
    for row in db.session.execute(statement.execution_options(stream_results=True, yield_per=100)):
        report.checkpoints += 1
        checkpoint, unreadable = stored.read(row, CHECKPOINT_READERS)
        seq = latest + 1 if unreadable == "seq" else checkpoint["seq"]
        where = f"checkpoint id={row.id} seq={row.seq}"
        if seq != latest + 1:
            report.problems.append(f"{where}: expected seq {latest + 1} (a checkpoint was deleted)")
        elif row.prev_hash != expected_prev:
            report.problems.append(
                f"{where}: previous hash differs (a checkpoint before it was altered)"
            )
        expected_prev, latest = row.hash, seq
        problem = _checkpoint_problem(checkpoint, unreadable)
        if problem:
            report.problems.append(f"{where}: {problem}")
            continue
        regression = _regression(heads, checkpoint["heads"])
        if regression:  # the chain's rows before it are looked up below: it is named too
            report.problems.append(f"{where}: {regression}")
        for key, head in heads.items():
            if checkpoint["heads"].get(key) != head:
                earlier.add(int(key), head, anchored_at)
        heads, anchored_at = checkpoint["heads"], seq
    earlier.check()
    return heads, anchored_at


def _checkpoint_problem(checkpoint, unreadable):
    """Say what makes a checkpoint unsound in itself, or return None."""
    if unreadable:
        return f"{unreadable} cannot be read (altered)"
    if canonical_hash(checkpoint["heads"]) != checkpoint["heads_hash"]:
        return "heads do not match their hash (altered)"
    if checkpoint_hash(checkpoint) != checkpoint["hash"]:
        return "content does not match its hash (altered)"
    return None


def _regression(before, after):
    """Name a chain that a checkpoint shows shorter than the one before it, or None."""
    for key, (seq, _) in before.items():
        if key not in after or after[key][0] < seq:
            return f"chain {key} went back from seq {seq} (rows were cut)"
    return None


def _row_problem(row, unreadable, walk, anchor, anchored_at):
    """Describe what is wrong with a row (its fields) at this point of its chain, or None."""
    where = f"chain {row['chain_key']}: row id={row['id']} seq={row['seq']}"
    if unreadable:
        return f"{where}: {unreadable} cannot be read (altered)"
    if row["seq"] != walk.seq + 1:
        return f"{where}: expected seq {walk.seq + 1} (a row was deleted or inserted)"
    if row["prev_hash"] != walk.hash:
        return f"{where}: previous hash differs (a row before it was altered or inserted)"
    if row_hash(row) != row["hash"]:
        return f"{where}: content does not match its hash (altered)"
    if anchor is not None and anchor[0] == row["seq"] and anchor[1] != row["hash"]:
        return f"{where}: differs from checkpoint {anchored_at} (the chain was rewritten)"
    return None


def _end_chain(walk, anchors, anchored_at, heads, earlier, report):
    """Check where a chain ends against the checkpoints and its head; note its first problem."""
    report.chains += 1
    seq, problem = earlier.problems.get(walk.key, (None, None))
    if problem and (walk.problem is None or seq < walk.problem_seq):
        walk.problem = problem
    anchor = anchors.get(str(walk.key))
    if walk.problem is None and anchor is not None and walk.seq < anchor[0]:
        walk.problem = (
            f"chain {walk.key}: ends at seq {walk.seq}, but checkpoint {anchored_at} covers "
            f"seq {anchor[0]} (rows were cut from its end)"
        )
    head = heads.get(walk.key)
    if walk.problem is None and head is not None and walk.seq < head:
        walk.problem = (
            f"chain {walk.key}: ends at seq {walk.seq}, but its head is at seq {head} "
            "(rows were cut from its end)"
        )
    if walk.problem:
        report.problems.append(walk.problem)
