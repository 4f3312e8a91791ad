"""Small local helper: load scenario events as int_events_deduplicated and run the identity models with dbt."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from tests.identity.scenarios import EVENT_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
IDENTITY_SELECTOR = [
    "identity_rules",
    "identity_blocked_values",
    "models/intermediate/identity",
    "models/marts/identity",
]


def load_events(db_path: Path, events: list[dict[str, Any]], *, replace: bool = True) -> None:
    """Write events as intermediate.int_events_deduplicated (the identity models' only input)."""
    frame = pd.DataFrame(events, columns=EVENT_COLUMNS)
    for column in EVENT_COLUMNS:
        if column not in ("event_at", "received_at", "line_number"):
            frame[column] = frame[column].astype("string")
    with duckdb.connect(str(db_path)) as con:
        con.execute("create schema if not exists intermediate")
        if replace:
            con.execute("drop table if exists intermediate.int_events_deduplicated")
            con.execute("create table intermediate.int_events_deduplicated as select * from frame")
        else:
            con.execute("insert into intermediate.int_events_deduplicated select * from frame")


def run_dbt(
    db_path: Path,
    command: str = "build",
    select: list[str] | None = None,
    extra: list[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run dbt on the identity models only (upstream tables must already exist in db_path)."""
    # own target and log folders next to the database: never collide with other builds
    env = dict(
        os.environ,
        CDP_DUCKDB_PATH=str(db_path),
        DBT_PROFILES_DIR=str(ROOT),
        DBT_TARGET_PATH=str(db_path.parent / "dbt_target"),
        DBT_LOG_PATH=str(db_path.parent / "dbt_logs"),
    )
    dbt = str(ROOT / ".venv" / "bin" / "dbt")
    # cautious: leave out tests of downstream marts (fct_events.profile_id -> dim_profiles) whose
    # other parents are not built here
    args = [
        dbt,
        command,
        "--select",
        *(select or IDENTITY_SELECTOR),
        "--indirect-selection",
        "cautious",
        *(extra or []),
    ]
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"dbt {command} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
    return result
