"""Shared test helpers: build a warehouse with dbt from a landing folder, and count landed files."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
SHARED_REAL = REPO.parent / "shared" / "data" / "real"
FIXTURE_LANDING = REPO / "tests" / "fixtures" / "landing"


def dbt_executable() -> str:
    return str(Path(sys.executable).parent / "dbt")


def build_warehouse(
    landing_dir: Path,
    db_path: Path,
    *,
    select: str | None = None,
    extra_vars: dict | None = None,
    command: str = "build",
    full_refresh: bool = False,
) -> Path:
    """Run `dbt <command>` on the project against `landing_dir`, into the DuckDB file `db_path`.

    Each call gets its own target and log folders, so builds never share state. Raises with dbt's
    output when dbt fails.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    work = db_path.parent / f".dbt-{db_path.stem}"
    variables = {"cdp__landing_dir": str(Path(landing_dir).resolve())}
    variables.update(extra_vars or {})
    args = [
        dbt_executable(),
        command,
        "--project-dir",
        str(REPO),
        "--profiles-dir",
        str(REPO),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--vars",
        json.dumps(variables),
    ]
    if select:
        args += ["--select", select]
    if full_refresh:
        args.append("--full-refresh")
    env = dict(os.environ, CDP_DUCKDB_PATH=str(db_path), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    result = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"dbt {command} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
    return db_path


def query(db_path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.sql(sql).fetchall()


def scalar(db_path: Path, sql: str):
    rows = query(db_path, sql)
    return rows[0][0] if rows else None


def landed_lines(path: Path) -> list[str]:
    """Lines of a landed file as a reader sees them: split on LF, a trailing CR dropped."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        data = handle.read().decode("utf-8")
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def count_landed_messages(landing_dir: Path) -> dict[str, int]:
    """Messages per landed file (path below segment/), counted independently of the warehouse:
    one per line, except a batch envelope with n > 0 messages, which counts n."""
    counts: dict[str, int] = {}
    segment = Path(landing_dir) / "segment"
    for path in sorted(p for p in segment.rglob("*") if p.is_file() and "json" in p.name):
        n = 0
        for line in landed_lines(path):
            try:
                parsed = json.loads(line)
            except ValueError:
                n += 1
                continue
            batch = parsed.get("batch") if isinstance(parsed, dict) else None
            n += len(batch) if isinstance(batch, list) and batch else 1
        counts[path.relative_to(segment).as_posix()] = n
    return counts
