"""Incremental staging: building file by file gives the same marts as one full build."""

from __future__ import annotations

import shutil

from tests.helpers import FIXTURE_LANDING, build_warehouse, landed_lines, query

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


def test_a_staged_file_no_longer_landed_fails_the_build_until_a_full_refresh(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_INDIRECT_SELECTION", "cautious")  # only tests of the selected staging models
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURE_LANDING, landing)
    db = tmp_path / "moved.duckdb"
    build_warehouse(landing, db, select="stg_segment__landed_lines stg_segment__messages")
    # the landing changes under a warehouse built from it: one file removed, one rewritten shorter
    (landing / "segment" / "server" / "batch-001.ndjson").unlink()
    web = landing / "segment" / "web" / "events-2024-03-10.jsonl"
    web.write_bytes(b"\n".join(web.read_bytes().split(b"\n")[:5]) + b"\n")
    selection = "stg_segment__landed_lines stg_segment__messages assert_staged_files_are_still_landed"
    try:
        build_warehouse(landing, db, select=selection)
    except AssertionError as error:
        assert "assert_staged_files_are_still_landed" in str(error)
    else:
        raise AssertionError("the build passed although staged files are no longer landed")
    rows = query(
        db,
        "select source_file, staged_line_count, landed_line_count, problem from ("
        + "select s.source_file, count(distinct s.line_number) as staged_line_count,"
        + " coalesce(max(l.landed_line_count), 0) as landed_line_count,"
        + " case when max(l.landed_line_count) is null then 'gone' else 'changed' end as problem"
        + " from staging.stg_segment__messages as s left join ("
        + "select source_file, count(*) as landed_line_count from staging.stg_segment__landed_lines group by 1"
        + ") as l on s.source_file = l.source_file group by s.source_file) "
        + "where problem = 'gone' or staged_line_count != landed_line_count order by 1",
    )
    original = FIXTURE_LANDING / "segment"
    assert rows == [
        ("server/batch-001.ndjson", len(landed_lines(original / "server" / "batch-001.ndjson")), 0, "gone"),
        ("web/events-2024-03-10.jsonl", len(landed_lines(original / "web" / "events-2024-03-10.jsonl")), 5, "changed"),
    ]
    # a full refresh rebuilds staging from what is landed now, and the check passes
    build_warehouse(landing, db, select=selection, full_refresh=True)
