"""Fixture tests: each identity scenario built with dbt gives exactly the expected profiles."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from tests.identity import scenarios


def _profiles(db_path: Path, prefix: str) -> tuple[dict[str, set[str]], dict[str, str]]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        identifiers = con.execute(
            """
            select profile_id, identifier_type || ':' || identifier_value
            from marts.profile_identifiers
            where identifier_type <> 'group_id'
            """
        ).fetchall()
        events = con.execute(
            "select event_id, profile_id from intermediate.int_identity__event_profiles where event_id like ?",
            [prefix + ":%"],
        ).fetchall()
    by_profile: dict[str, set[str]] = defaultdict(set)
    for profile_id, identifier in identifiers:
        by_profile[profile_id].add(identifier)
    return dict(by_profile), dict(events)


@pytest.mark.parametrize("make", scenarios.ALL, ids=[make.__name__ for make in scenarios.ALL])
def test_scenario_profiles_are_exact(scenario_warehouse: Path, make) -> None:
    scenario = make()
    by_profile, event_profiles = _profiles(scenario_warehouse, scenario.name)
    scenario_identifiers = set().union(*scenario.profiles)
    got = sorted(
        (sorted(ids) for ids in by_profile.values() if ids & scenario_identifiers),
        key=lambda ids: ids[0],
    )
    want = sorted((sorted(ids) for ids in scenario.profiles), key=lambda ids: ids[0])
    assert got == want
    profile_of = {identifier: pid for pid, ids in by_profile.items() for identifier in ids}
    for event_id, owner in scenario.event_owner.items():
        assert event_profiles[event_id] == profile_of[owner], f"{event_id} should belong to {owner}'s profile"
    # every event has exactly one profile
    assert len(event_profiles) == len(scenario.events)
