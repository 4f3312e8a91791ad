"""Incremental staging: building file by file gives the same marts as one full build."""

from __future__ import annotations

import shutil

from tests.helpers import FIXTURE_LANDING, build_warehouse, query

MARTS = [
    "marts.fct_events",
    "marts.fct_orders",
    "marts.fct_order_items",
    "marts.quarantined_events",
    "marts.data_quality_summary",
]


def _snapshot(db) -> dict[str, list[tuple]]:
    return {table: sorted(query(db, f"select * from {table}"), key=repr) for table in MARTS}


def test_increments_match_full_build(tmp_path):
    landing = tmp_path / "landing"
    files = sorted(p.relative_to(FIXTURE_LANDING) for p in FIXTURE_LANDING.rglob("*") if p.is_file())
    assert len(files) == 3
    db = tmp_path / "incremental.duckdb"
    # three runs, one more landed file each time; the duplicate in the later gzip file must
    # displace the copy staged in an earlier run
    for landed in files:
        (landing / landed).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURE_LANDING / landed, landing / landed)
        build_warehouse(landing, db)
    full = build_warehouse(FIXTURE_LANDING, tmp_path / "full.duckdb")

    incremental_marts, full_marts = _snapshot(db), _snapshot(full)
    for table in MARTS:
        assert incremental_marts[table] == full_marts[table], table
    # the runs really were incremental: each file parsed once
    counts = query(
        db, "select source_file, count(*) from staging.stg_segment__messages group by 1 order by 1"
    )
    assert counts == [
        ("server/batch-001.ndjson", 5),
        ("web/events-2024-03-10.jsonl", 22),
        ("web/events-2024-03-11.jsonl.gz", 2),
    ]
