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


def test_unreadable_phones_are_rejected_not_lost(scenario_warehouse: Path) -> None:
    """A phone no plan can read is NULL in the occurrences (invalid_format), once per raw value in
    identity_links_rejected; no stored phone value is outside E.164."""
    with duckdb.connect(str(scenario_warehouse), read_only=True) as con:
        occurrences = con.execute(
            """
            select split_part(event_id, ':', 2), raw_value, identifier_value, blocked_rule
            from intermediate.int_identity__identifier_occurrences
            where identifier_type = 'phone' and event_id like 'phonecountry:%'
            order by 1
            """
        ).fetchall()
        rejected = con.execute(
            """
            select identifier_value, rejection_kind, rule
            from marts.identity_links_rejected
            where identifier_type = 'phone' and event_id like 'phonecountry:%'
            order by 1
            """
        ).fetchall()
        not_e164 = con.execute(
            """
            select count(*) from intermediate.int_identity__identifier_occurrences
            where identifier_type = 'phone' and identifier_value is not null
                and not regexp_matches(identifier_value, '^[+][1-9][0-9]{7,14}$')
            """
        ).fetchone()[0]
    assert occurrences == [
        ("de1", "030 1234567", "+49301234567", None),
        ("de2", "+49 30 1234567", "+49301234567", None),
        ("gb1", "07700 900123", "+447700900123", None),
        ("gb2", "+44 7700 900123", "+447700900123", None),
        ("nocountry", "07700 900123", None, "invalid_format"),
        ("us1", "(212) 555-0147", "+12125550147", None),
        ("us2", "+1 212 555 0147", "+12125550147", None),
        ("vn1", "0912 345 678", None, "invalid_format"),
        ("zero", "+07700900123", None, "invalid_format"),
    ]
    assert {value for value, _, _ in rejected} == scenarios.UNREADABLE_PHONES
    assert rejected == [
        ("+07700900123", "invalid_format", "invalid_format"),
        ("07700 900123", "invalid_format", "invalid_format"),
        ("0912 345 678", "invalid_format", "invalid_format"),
    ]
    assert not_e164 == 0
