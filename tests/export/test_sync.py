"""Sync modes: full mirrors, diff writes added / removed (/ updated) since the last successful export,
an immediate rerun exports nothing, and privacy-suppressed records are never written, not even as removals."""

from __future__ import annotations

import duckdb

from tests.export.conftest import EXCLUSIONS, MEMBERS, SUPPRESSED, base_contacts, sha
from tests.export.helpers import export, file_of, read_csv
from tests.export.warehouse import write_warehouse


def _rewrite(warehouse, *, members=None, changes=None, suppressed=None):
    contacts = base_contacts()
    for row in contacts:
        row.update((changes or {}).get(row["profile_id"], {}))
    write_warehouse(
        warehouse, contacts, members or MEMBERS, suppressed=suppressed or SUPPRESSED, exclusions=EXCLUSIONS
    )


def test_meta_diff_adds_and_removes_and_rerun_exports_nothing(warehouse, tmp_path):
    out = tmp_path / "out"
    export(warehouse, out, "meta", minute=0)
    # prf_b leaves, prf_g joins, prf_a moves to Oakland
    _rewrite(warehouse, members={"vip": ["prf_a", "prf_c", "prf_g"]}, changes={"prf_a": {"city": "Oakland"}})
    diff = export(warehouse, out, "meta", minute=1, mode="diff")
    _, added = read_csv(file_of(diff, "add"))
    _, removed = read_csv(file_of(diff, "remove"))
    # Meta cannot update in place: an update is the new row added; the old row is not removed, since a removal
    # matches the person and would take prf_a, still a member, off the list
    assert [r["email"] for r in added] == [sha("outsider@example.com"), sha("john.doe@example.com")]
    assert added[1]["ct"] == sha("oakland")
    assert [r["email"] for r in removed] == [sha("jane@example.com")]
    assert removed[0]["email"] == sha("jane@example.com")  # exactly as uploaded before
    counts = diff.manifest["counts"]
    assert (counts["added"], counts["updated"], counts["removed"], counts["unchanged"]) == (1, 1, 1, 1)
    assert diff.manifest["previous_run_id"] is not None

    again = export(warehouse, out, "meta", minute=2, mode="diff")
    assert again.manifest["files"] == [] and again.files == []
    assert (again.manifest["counts"]["added"], again.manifest["counts"]["removed"]) == (0, 0)
    assert again.manifest["counts"]["updated"] == 0 and again.manifest["counts"]["written"] == 0


def test_first_diff_adds_everything(warehouse, tmp_path):
    result = export(warehouse, tmp_path / "out", "google_ads", mode="diff")
    _, added = read_csv(file_of(result, "add"))
    assert len(added) == 3 and [f["kind"] for f in result.manifest["files"]] == ["add"]
    assert any("no earlier successful export" in w for w in result.warnings)


def test_klaviyo_diff_upserts_and_removes_changed_keys(warehouse, tmp_path):
    out = tmp_path / "out"
    export(warehouse, out, "klaviyo", minute=0)
    _rewrite(
        warehouse,
        members={"vip": ["prf_a", "prf_g"]},
        changes={"prf_a": {"email": "John.New@Example.com"}},
    )
    diff = export(warehouse, out, "klaviyo", minute=1, mode="diff")
    header, upserts = read_csv(file_of(diff, "upsert"))
    assert [r["Email Address"] for r in upserts] == ["outsider@example.com", "john.new@example.com"]
    remove_header, removes = read_csv(file_of(diff, "remove"))
    assert remove_header == ["Email Address"]
    assert removes == [{"Email Address": "john.doe@example.com"}]  # the old address: its key changed


def test_generic_csv_diff_has_an_action_column(warehouse, tmp_path):
    out = tmp_path / "out"
    export(warehouse, out, "csv", minute=0)
    _rewrite(
        warehouse, members={"vip": ["prf_a", "prf_b", "prf_g"]}, changes={"prf_b": {"first_name": "Zoe"}}
    )
    diff = export(warehouse, out, "csv", minute=1, mode="diff")
    header, rows = read_csv(file_of(diff, "changes"))
    assert header[0] == "_sync_action"
    assert [(r["_sync_action"], r["profile_id"]) for r in rows] == [
        ("added", "prf_g"),
        ("updated", "prf_b"),
        ("removed", "prf_c"),
        ("removed", "prf_d"),
    ]


def test_full_mode_mirrors_the_audience(warehouse, tmp_path):
    out = tmp_path / "out"
    export(warehouse, out, "klaviyo", minute=0)
    _rewrite(warehouse, members={"vip": ["prf_g"]})
    full = export(warehouse, out, "klaviyo", minute=1)
    _, rows = read_csv(file_of(full, "full"))
    assert [r["Email Address"] for r in rows] == ["outsider@example.com"]
    assert full.manifest["counts"]["removed"] == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        keys = con.execute(
            "select record_key from reverse_etl.sync_records where destination = 'klaviyo' and audience = 'vip'"
        ).fetchall()
        runs = con.execute("select mode, status from reverse_etl.sync_runs order by started_at").fetchall()
    assert keys == [("prf_g",)]
    assert runs == [("full", "succeeded"), ("full", "succeeded")]


def test_a_suppressed_person_is_never_written_not_even_as_a_removal(warehouse, tmp_path):
    out = tmp_path / "out"
    export(warehouse, out, "klaviyo", minute=0)
    export(warehouse, out, "meta", minute=0)
    suppressed = dict(SUPPRESSED, prf_a=[("email", "john.doe@example.com"), ("phone", "+14155552671")])
    _rewrite(warehouse, suppressed=suppressed)
    # the klaviyo run withholds prf_a's removal and purges prf_a from every sync state, meta's too
    for destination, withheld in (("klaviyo", 1), ("meta", 0)):
        diff = export(warehouse, out, destination, minute=1, mode="diff")
        assert diff.manifest["counts"]["removals_withheld_for_privacy"] == withheld
        assert diff.manifest["counts"]["removed"] == 0
        assert diff.files == []
    written = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.diff.*.csv"))
    assert "john.doe@example.com" not in written and sha("john.doe@example.com") not in written


def test_dry_run_writes_nothing(warehouse, tmp_path):
    result = export(warehouse, tmp_path / "out", "meta", dry_run=True)
    assert result.dry_run and result.files == [] and not (tmp_path / "out").exists()
    assert result.manifest["planned_files"] == {"full": 3}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        schemas = {
            r[0] for r in con.execute("select schema_name from information_schema.schemata").fetchall()
        }
    assert "reverse_etl" not in schemas
    assert "would write 3 rows" in result.summary()
