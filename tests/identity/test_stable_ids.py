"""Profile ids are stable: same data -> same ids; a merge keeps the older id and maps the other."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.identity.scenarios import Scenario
from tests.identity.warehouse import load_events, run_dbt


def _ids(db_path: Path) -> dict[str, str]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(
            "select identifier_type || ':' || identifier_value, profile_id from marts.profile_identifiers"
        ).fetchall()
    return dict(rows)


def _map(db_path: Path) -> dict[str, str]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return dict(con.execute("select old_profile_id, profile_id from marts.profile_id_map").fetchall())


@pytest.fixture(scope="module")
def batches() -> tuple[Scenario, Scenario]:
    first = Scenario("ids")
    first.add("1", "page", anonymous_id="anon-1")
    first.add("2", "identify", user_id="u-1", anonymous_id="anon-1")
    first.add("3", "identify", anonymous_id="anon-2", email="two@x.org")
    first.add("4", "identify", user_id="u-9", anonymous_id="anon-9")
    second = Scenario("ids")
    second._clock = first._clock
    second.add("5", "identify", user_id="u-1", anonymous_id="anon-2")  # merges the first two profiles
    second.add("6", "page", anonymous_id="anon-new")
    return first, second


def test_rebuild_keeps_ids_and_merge_keeps_older_id(
    tmp_path: Path, batches: tuple[Scenario, Scenario]
) -> None:
    first, second = batches
    db_path = tmp_path / "ids.duckdb"
    load_events(db_path, first.events)
    run_dbt(db_path)
    before = _ids(db_path)
    assert before["user_id:u-1"] == before["anonymous_id:anon-1"]
    assert before["email:two@x.org"] == before["anonymous_id:anon-2"] != before["user_id:u-1"]

    run_dbt(db_path)  # same data again: same ids, nothing retired
    assert _ids(db_path) == before
    assert _map(db_path) == {}

    load_events(db_path, second.events, replace=False)
    run_dbt(db_path)
    after = _ids(db_path)
    survivor, retired = before["user_id:u-1"], before["email:two@x.org"]  # anon-1 was seen first
    for identifier in ("user_id:u-1", "anonymous_id:anon-1", "anonymous_id:anon-2", "email:two@x.org"):
        assert after[identifier] == survivor
    assert after["user_id:u-9"] == before["user_id:u-9"]  # untouched profile keeps its id
    assert after["anonymous_id:anon-new"] not in before.values()
    assert _map(db_path) == {retired: survivor}

    # a build from scratch over all the data gives the same ids (derived from the earliest identifier)
    fresh = tmp_path / "fresh.duckdb"
    load_events(fresh, first.events + second.events)
    run_dbt(fresh)
    assert _ids(fresh) == after
