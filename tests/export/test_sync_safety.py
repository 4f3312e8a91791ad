"""Sync state and safety under stress: separate state per destination, a changed e-mail, a validation failure
on the second file of a diff, a dry run that leaves the warehouse file byte for byte as it was, and
`cdp export` failing with a one-line error and exit 1 for every bad input or a locked warehouse."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap

import duckdb
import pytest

from cdp.export import ExportValidationError, runner
from tests.export.conftest import EXCLUSIONS, MEMBERS, SUPPRESSED, base_contacts, sha
from tests.export.helpers import export, file_of, read_csv
from tests.export.warehouse import write_warehouse
from tests.helpers import REPO


def _rewrite(warehouse, *, members=None, changes=None):
    contacts = base_contacts()
    for row in contacts:
        row.update((changes or {}).get(row["profile_id"], {}))
    write_warehouse(warehouse, contacts, members or MEMBERS, suppressed=SUPPRESSED, exclusions=EXCLUSIONS)


def _records(warehouse) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select destination, audience, record_key from reverse_etl.sync_records order by 1, 2, 3"
        ).fetchall()


def test_two_destinations_of_one_audience_keep_separate_state(warehouse, tmp_path):
    out = tmp_path / "out"
    export(warehouse, out, "meta", minute=0)
    export(warehouse, out, "klaviyo", minute=0)
    assert _records(warehouse) == [
        ("klaviyo", "vip", "prf_a"),
        ("meta", "vip", "prf_a"), ("meta", "vip", "prf_b"), ("meta", "vip", "prf_c"),
    ]  # fmt: skip
    _rewrite(warehouse, members={"vip": ["prf_a", "prf_c"]})  # prf_b leaves
    meta = export(warehouse, out, "meta", minute=1, mode="diff")
    assert (meta.manifest["counts"]["removed"], meta.manifest["counts"]["added"]) == (1, 0)
    # klaviyo never had prf_b (no plain e-mail): its diff is empty, and meta's run did not touch its state
    klaviyo = export(warehouse, out, "klaviyo", minute=1, mode="diff")
    assert klaviyo.manifest["files"] == [] and klaviyo.manifest["counts"]["unchanged"] == 1
    assert _records(warehouse) == [
        ("klaviyo", "vip", "prf_a"),
        ("meta", "vip", "prf_a"),
        ("meta", "vip", "prf_c"),
    ]


def test_meta_diff_after_an_email_change_adds_and_never_removes_a_current_member(warehouse, tmp_path):
    out = tmp_path / "out"
    export(warehouse, out, "meta", minute=0)
    _rewrite(warehouse, changes={"prf_a": {"email": " JOHN.New@Example.com"}})
    diff = export(warehouse, out, "meta", minute=1, mode="diff")
    _, added = read_csv(file_of(diff, "add"))
    assert [r["email"] for r in added] == [sha("john.new@example.com")]
    assert added[0]["phone"] == sha("14155552671")
    # removing the old row (same phone) would remove John, who is still a member: no remove file at all
    assert [f["kind"] for f in diff.manifest["files"]] == ["add"]
    assert diff.manifest["counts"]["updated"] == 1 and diff.manifest["counts"]["removed"] == 0
    # and when he then leaves, the removal is his row as last uploaded (the new address)
    _rewrite(
        warehouse, members={"vip": ["prf_b", "prf_c"]}, changes={"prf_a": {"email": "john.new@example.com"}}
    )
    left = export(warehouse, out, "meta", minute=2, mode="diff")
    _, removed = read_csv(file_of(left, "remove"))
    assert [r["email"] for r in removed] == [sha("john.new@example.com")]


def test_a_failure_on_the_second_file_of_a_diff_publishes_nothing(warehouse, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = export(warehouse, out, "meta", minute=0)
    before = sorted(p.name for p in out.iterdir())
    _rewrite(warehouse, members={"vip": ["prf_a", "prf_c", "prf_g"]})  # prf_b leaves, prf_g joins
    validate = runner.validate_file

    def fail_on_remove(path, destination, headers, *, audience, expected_rows):
        if ".remove." in path.name:
            raise ExportValidationError(path, audience, destination.name, [])
        validate(path, destination, headers, audience=audience, expected_rows=expected_rows)

    monkeypatch.setattr(runner, "validate_file", fail_on_remove)
    with pytest.raises(ExportValidationError, match="audience 'vip' to meta failed validation"):
        export(warehouse, out, "meta", minute=1, mode="diff")
    assert (
        sorted(p.name for p in out.iterdir()) == before
    )  # the add file, validated, was not published either
    assert _records(warehouse) == [
        ("meta", "vip", "prf_a"),
        ("meta", "vip", "prf_b"),
        ("meta", "vip", "prf_c"),
    ]
    monkeypatch.undo()
    retry = export(warehouse, out, "meta", minute=2, mode="diff")
    assert retry.manifest["previous_run_id"] == first.manifest["run_id"]
    assert [f["kind"] for f in retry.manifest["files"]] == ["add", "remove"]
    assert (retry.manifest["counts"]["added"], retry.manifest["counts"]["removed"]) == (1, 1)


def test_dry_run_leaves_the_warehouse_file_untouched(warehouse, tmp_path):
    export(warehouse, tmp_path / "out", "meta", minute=0)
    digest, mtime = hashlib.sha256(warehouse.read_bytes()).hexdigest(), warehouse.stat().st_mtime_ns
    result = export(warehouse, tmp_path / "dry", "meta", minute=1, mode="diff", dry_run=True)
    assert result.manifest["planned_files"] == {} and not (tmp_path / "dry").exists()
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == digest
    assert warehouse.stat().st_mtime_ns == mtime


def _cdp_export(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cdp.cli", "export", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_errors_are_one_line_with_exit_1(warehouse, tmp_path):
    out = str(tmp_path / "out")
    base = ["--out", out, "--warehouse", str(warehouse)]
    cases = {
        "audience 'nope' not found in marts.audience_memberships; known: vip": [
            "--destination", "meta", "--audience", "nope", *base],
        "mart marts.nope not found in the warehouse": [
            "--destination", "csv", "--mart", "marts.nope", "--key", "id", *base],
        "unknown destination 'tiktok'": ["--destination", "tiktok", "--audience", "vip", *base],
        f"warehouse {tmp_path / 'missing.duckdb'} does not exist": [
            "--destination", "meta", "--audience", "vip", "--out", out, "--warehouse", str(tmp_path / "missing.duckdb")],
    }  # fmt: skip
    for expected, args in cases.items():
        result = _cdp_export(*args)
        assert result.returncode == 1, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""


def test_cli_on_a_warehouse_locked_by_another_writer(warehouse, tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time, duckdb
            con = duckdb.connect({str(warehouse)!r})
            print("locked", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = _cdp_export("--destination", "meta", "--audience", "vip", "--out", str(tmp_path / "out"),
                             "--warehouse", str(warehouse))  # fmt: skip
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot open warehouse {warehouse} read-only: ")
    assert "Could not set lock" in lines[0] and "retry when it has finished" in lines[0]
    assert not (tmp_path / "out").exists()


def test_a_removal_sharing_a_phone_with_a_current_member_is_withheld(warehouse, tmp_path):
    out = tmp_path / "out"
    # prf_g shares John's (prf_a) household phone
    _rewrite(
        warehouse, members={"vip": ["prf_a", "prf_b", "prf_g"]}, changes={"prf_g": {"phone": "4155552671"}}
    )
    export(warehouse, out, "meta", minute=0)
    _rewrite(warehouse, members={"vip": ["prf_b", "prf_g"]}, changes={"prf_g": {"phone": "4155552671"}})
    diff = export(warehouse, out, "meta", minute=1, mode="diff")
    # removing John's row (his phone hash) would remove prf_g, still a member, too
    assert diff.files == [] and diff.manifest["counts"]["removals_withheld_shared_identifier"] == 1
    assert "1 removals withheld: they share an e-mail or phone" in diff.summary()
    assert _records(warehouse) == [("meta", "vip", "prf_b"), ("meta", "vip", "prf_g")]


def test_any_export_purges_a_deleted_person_from_every_sync_state(warehouse, tmp_path):
    out = tmp_path / "out"
    export(warehouse, out, "klaviyo", minute=0)
    export(warehouse, out, "meta", minute=0)
    suppressed = dict(SUPPRESSED, prf_a=[("email", "john.doe@example.com")])
    write_warehouse(warehouse, base_contacts(), MEMBERS, suppressed=suppressed, exclusions=EXCLUSIONS)
    export(warehouse, out, "csv", minute=1)  # another destination: klaviyo and meta are not run again
    assert _records(warehouse) == [
        ("csv", "vip", "prf_b"), ("csv", "vip", "prf_c"), ("csv", "vip", "prf_d"),
        ("meta", "vip", "prf_b"), ("meta", "vip", "prf_c"),
    ]  # fmt: skip
    with duckdb.connect(str(warehouse), read_only=True) as con:
        stored = " ".join(
            r[0] for r in con.execute("select record_json from reverse_etl.sync_records").fetchall()
        )
    assert "john.doe@example.com" not in stored and sha("john.doe@example.com") not in stored
