"""Sync state in the warehouse (schema reverse_etl), in the manner of Segment's Reverse ETL.

`reverse_etl.sync_records`: one row per (destination, audience, record_key) last published, with
the checksum of the row as written and the row itself (JSON), so a diff can tell added, updated and
removed records and write a removed record exactly as it was uploaded.
`reverse_etl.sync_runs`: one row per export run with its status (succeeded | failed), counts and
manifest. State is read through a read-only connection; it is written only after the files are
published, in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

SCHEMA = "reverse_etl"

DDL = (
    f"create schema if not exists {SCHEMA}",
    f"""create table if not exists {SCHEMA}.sync_runs (
        run_id varchar primary key,
        destination varchar not null,
        audience varchar not null,
        mode varchar not null,
        status varchar not null,
        started_at timestamp not null,
        finished_at timestamp,
        rows_written bigint,
        rows_added bigint,
        rows_updated bigint,
        rows_removed bigint,
        records_after bigint,
        manifest_path varchar,
        error varchar
    )""",
    f"""create table if not exists {SCHEMA}.sync_records (
        destination varchar not null,
        audience varchar not null,
        record_key varchar not null,
        checksum varchar not null,
        record_json varchar not null,
        run_id varchar not null,
        exported_at timestamp not null,
        primary key (destination, audience, record_key)
    )""",
)


@dataclass
class PreviousState:
    records: dict[str, tuple[str, dict]]  # record_key -> (checksum, row as written)
    last_run_id: str | None


def _has_state(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name in ('sync_runs', 'sync_records')",
        [SCHEMA],
    ).fetchone()[0]
    return found == 2


def read_state(con: duckdb.DuckDBPyConnection, destination: str, audience: str) -> PreviousState:
    if not _has_state(con):
        return PreviousState({}, None)
    rows = con.execute(
        f"select record_key, checksum, record_json from {SCHEMA}.sync_records where destination = ? and audience = ?",
        [destination, audience],
    ).fetchall()
    last = con.execute(
        f"""select run_id from {SCHEMA}.sync_runs where destination = ? and audience = ? and status = 'succeeded'
            order by finished_at desc, run_id desc limit 1""",
        [destination, audience],
    ).fetchone()
    return PreviousState(
        {key: (checksum, json.loads(row)) for key, checksum, row in rows}, last[0] if last else None
    )


def commit_state(
    con: duckdb.DuckDBPyConnection,
    *,
    run: dict,
    records: dict[str, tuple[str, dict]],
    expected_last_run_id: str | None,
    purge_record_keys: list[str] | None = None,
) -> None:
    """Replace the (destination, audience) records with `records` and log the run, atomically.

    `purge_record_keys` (the privacy-suppressed profile ids) are deleted from the records of *every*
    destination and audience, so a deleted person's uploaded rows do not stay in the state of an export
    that is never run again. Refuses when another run committed since this one read the state (its diff
    would be stale).
    """
    for statement in DDL:
        con.execute(statement)
    con.execute("begin transaction")
    try:
        current = con.execute(
            f"""select run_id from {SCHEMA}.sync_runs where destination = ? and audience = ? and status = 'succeeded'
                order by finished_at desc, run_id desc limit 1""",
            [run["destination"], run["audience"]],
        ).fetchone()
        if (current[0] if current else None) != expected_last_run_id:
            raise RuntimeError(
                f"another export of audience {run['audience']!r} to {run['destination']} committed run "
                f"{current[0] if current else None} while this one ran; its files are published but the sync "
                "state was not changed: rerun the export"
            )
        con.execute(
            f"delete from {SCHEMA}.sync_records where destination = ? and audience = ?",
            [run["destination"], run["audience"]],
        )
        if records:
            con.executemany(
                f"insert into {SCHEMA}.sync_records values (?, ?, ?, ?, ?, ?, ?)",
                [
                    (run["destination"], run["audience"], key, checksum, json.dumps(row, ensure_ascii=False),
                     run["run_id"], run["finished_at"])
                    for key, (checksum, row) in sorted(records.items())
                ],
            )  # fmt: skip
        if purge_record_keys:
            con.execute(
                f"delete from {SCHEMA}.sync_records where list_contains(?, record_key)",
                [list(purge_record_keys)],
            )
        _insert_run(con, run)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def record_failed_run(con: duckdb.DuckDBPyConnection, run: dict) -> None:
    """Log a failed run; the records are not touched."""
    for statement in DDL:
        con.execute(statement)
    _insert_run(con, run)


def _insert_run(con: duckdb.DuckDBPyConnection, run: dict) -> None:
    con.execute(
        f"insert into {SCHEMA}.sync_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run["run_id"], run["destination"], run["audience"], run["mode"], run["status"], run["started_at"],
            run.get("finished_at"), run.get("rows_written"), run.get("rows_added"), run.get("rows_updated"),
            run.get("rows_removed"), run.get("records_after"), run.get("manifest_path"), run.get("error"),
        ],
    )  # fmt: skip


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
