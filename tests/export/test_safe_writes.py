"""Safe writes: a file failing its great-expectations suite is not published, a crash mid-write leaves
nothing that looks complete, and neither touches the sync state."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap

import duckdb
import pytest

from cdp.export import ExportError, ExportValidationError, destinations, runner
from tests.export.helpers import export, file_of, read_csv
from tests.helpers import REPO


def _state(warehouse) -> tuple[list, list]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        if not con.execute(
            "select count(*) from information_schema.schemata where schema_name = 'reverse_etl'"
        ).fetchone()[0]:
            return [], []
        records = con.execute("select destination, record_key from reverse_etl.sync_records").fetchall()
        runs = con.execute("select destination, status, error from reverse_etl.sync_runs").fetchall()
    return records, runs


def test_failing_validation_is_not_published(warehouse, tmp_path, monkeypatch):
    meta = destinations.DESTINATIONS["meta"]

    def broken(contact, audience):
        row = meta.build(contact, audience)
        if contact["profile_id"] == "prf_b":
            row["email"] = "Jane@Example.com"  # a bug: plain text where a SHA-256 belongs
        return row

    monkeypatch.setitem(destinations.DESTINATIONS, "meta", dataclasses.replace(meta, build=broken))
    out = tmp_path / "out"
    with pytest.raises(ExportValidationError) as raised:
        export(warehouse, out, "meta")
    message = str(raised.value)
    assert "audience 'vip'" in message and "column 'email'" in message and "data rows 2" in message
    assert "expect_column_values_to_match_regex" in message and "Jane@Example.com" in message
    assert list(out.iterdir()) == []  # temp removed, nothing published
    records, runs = _state(warehouse)
    assert records == []
    assert [(d, s) for d, s, _ in runs] == [("meta", "failed")]


def test_previous_state_survives_a_failed_run(warehouse, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = export(warehouse, out, "klaviyo", minute=0)
    klaviyo = destinations.DESTINATIONS["klaviyo"]

    def broken(contact, audience):
        return {**klaviyo.build(contact, audience), "Country": "UK"}  # not ISO-2

    monkeypatch.setitem(destinations.DESTINATIONS, "klaviyo", dataclasses.replace(klaviyo, build=broken))
    with pytest.raises(ExportValidationError, match="column 'Country'"):
        export(warehouse, out, "klaviyo", minute=1, mode="diff")
    monkeypatch.undo()
    records, _ = _state(warehouse)
    assert records == [("klaviyo", "prf_a")]
    # the retry after the fix diffs against the last successful run: nothing changed
    retry = export(warehouse, out, "klaviyo", minute=2, mode="diff")
    assert retry.manifest["previous_run_id"] == first.manifest["run_id"]
    assert retry.manifest["counts"]["written"] == 0


def test_crash_mid_write_leaves_no_file(warehouse, tmp_path, monkeypatch):
    def crash(handle, headers, rows, meter):
        handle.write(",".join(headers) + "\n")
        raise OSError("No space left on device")

    monkeypatch.setattr(runner, "_write_csv", crash)
    out = tmp_path / "out"
    with pytest.raises(ExportError, match="cannot write into .*No space left.*nothing was published"):
        export(warehouse, out, "google_ads")
    assert list(out.iterdir()) == []
    assert _state(warehouse) == ([], [])


def test_killed_mid_write_leaves_only_a_hidden_temp_file(warehouse, tmp_path):
    out = tmp_path / "out"
    script = textwrap.dedent(f"""
        import os
        from cdp.export import runner
        def die(handle, headers, rows, meter):
            handle.write(",".join(headers) + "\\n")
            handle.flush()
            os._exit(9)  # the process is killed: no cleanup runs
        runner._write_csv = die
        runner.run_export(warehouse={str(warehouse)!r}, destination="meta", out_dir={str(out)!r}, audience="vip")
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 9, result.stderr
    names = [p.name for p in out.iterdir()]
    assert len(names) == 1 and names[0].startswith(".") and ".tmp-" in names[0]  # never a *.csv or a manifest
    assert _state(warehouse) == ([], [])
    # the next run publishes normally next to the leftover
    result = export(warehouse, out, "meta")
    assert len(read_csv(file_of(result, "full"))[1]) == 3


def test_errors_name_what_is_wrong(warehouse, tmp_path):
    with pytest.raises(ExportError, match="audience 'nope' not found.*known: vip"):
        export(warehouse, tmp_path, "meta", audience="nope")
    with pytest.raises(ValueError, match="unknown destination 'tiktok'"):
        export(warehouse, tmp_path, "tiktok")
    with pytest.raises(ExportError, match="csv or parquet, not meta"):
        export(warehouse, tmp_path, "meta", audience=None, mart="marts.profile_contacts", key="profile_id")
    with pytest.raises(ExportError, match="--key 'nope' is not a column of marts.profile_contacts"):
        export(warehouse, tmp_path, "csv", audience=None, mart="marts.profile_contacts", key="nope")
    with pytest.raises(ExportError, match="does not exist"):
        export(tmp_path / "missing.duckdb", tmp_path, "meta")
    with pytest.raises(ExportError, match="--mode must be full or diff"):
        export(warehouse, tmp_path, "meta", mode="mirror")


def test_mart_export_writes_nested_and_binary_values_as_json_and_hex(warehouse, tmp_path):
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "create table marts.odd as select 1 as id, [1, 2] as tags, {'a': 'ü'} as attrs, "
            "'x\ny,\"z' as note, '\\x00\\xff'::blob as raw"
        )
    result = export(warehouse, tmp_path / "out", "csv", audience=None, mart="marts.odd", key="id")
    assert file_of(result, "full").read_text(encoding="utf-8") == (
        'id,tags,attrs,note,raw\n1,"[1, 2]","{""a"": ""ü""}","x\ny,""z",00ff\n'
    )


def test_file_names_keep_unicode_letters_of_the_audience_key(tmp_path):
    from datetime import datetime

    now = datetime(2026, 12, 1, 9, 0)
    assert (
        runner._stem(tmp_path, "ëlite/ünï vip", "meta", "full", now)
        == "ëlite_ünï_vip.meta.full.20261201T090000Z"
    )
    (tmp_path / "ëlite_ünï_vip.meta.full.20261201T090000Z.csv").write_text("taken")
    assert (
        runner._stem(tmp_path, "ëlite/ünï vip", "meta", "full", now)
        == "ëlite_ünï_vip.meta.full.20261201T090000Z-2"
    )


def test_a_file_over_the_platforms_import_limit_is_flagged(warehouse, tmp_path, monkeypatch):
    klaviyo = destinations.DESTINATIONS["klaviyo"]
    assert klaviyo.max_file_bytes == 52_428_800  # Klaviyo's 50 MB
    monkeypatch.setitem(
        destinations.DESTINATIONS, "klaviyo", dataclasses.replace(klaviyo, max_file_bytes=100)
    )
    result = export(warehouse, tmp_path / "out", "klaviyo")
    name = file_of(result, "full").name
    assert f"{name} is 0.0 MB, over klaviyo's import limit of 0 MB: split it into parts before uploading" in (
        result.warnings
    )
