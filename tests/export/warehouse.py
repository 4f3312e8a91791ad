"""A small DuckDB file with just the tables `cdp export` reads, for fast unit tests of the exporter."""

from __future__ import annotations

from pathlib import Path

import duckdb

CONTACT_COLUMNS = (
    "profile_id", "email", "phone", "phone_given", "first_name", "last_name", "city", "state", "zip", "country",
    "advertising_id", "consent_marketing", "consent_advertising", "is_suppressed",
)  # fmt: skip


def contact(profile_id: str, **fields) -> dict:
    row = dict.fromkeys(CONTACT_COLUMNS)
    row.update(profile_id=profile_id, consent_marketing=True, consent_advertising=True, is_suppressed=False)
    row.update(fields)
    return row


def write_warehouse(
    path: Path,
    contacts: list[dict],
    members: dict[str, list[str]],
    *,
    suppressed: dict[str, list[tuple[str, str]]] | None = None,
    exclusions: list[tuple[str, str, str]] | None = None,
) -> Path:
    """(Re)write the export inputs; keeps any reverse_etl state already in the file.

    `members`: audience_key -> profile ids that are members now. `suppressed`: profile_id ->
    its identifiers [(type, value)] (the profile is deleted). `exclusions`: (type, value, reason).
    """
    with duckdb.connect(str(path)) as con:
        for schema in ("marts", "seeds"):
            con.execute(f"create schema if not exists {schema}")
        con.execute(
            "create or replace table marts.profile_contacts (profile_id varchar, email varchar, phone varchar, "
            "phone_given varchar, "
            "first_name varchar, last_name varchar, city varchar, state varchar, zip varchar, country varchar, "
            "advertising_id varchar, consent_marketing boolean, consent_advertising boolean, is_suppressed boolean)"
        )
        con.executemany(
            "insert into marts.profile_contacts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[c[k] for k in CONTACT_COLUMNS] for c in contacts],
        )
        con.execute(
            "create or replace table marts.audience_memberships (membership_id varchar, audience_key varchar, "
            "profile_id varchar, is_member boolean)"
        )
        rows = [(f"{key}|{pid}", key, pid, True) for key, pids in members.items() for pid in pids]
        if rows:
            con.executemany("insert into marts.audience_memberships values (?, ?, ?, ?)", rows)
        con.execute(
            "create or replace table marts.privacy_suppressed_profiles (profile_id varchar, suppression_type varchar, "
            "is_deleted boolean)"
        )
        con.execute(
            "create or replace table marts.privacy_suppressed_identifiers (suppressed_identifier_id varchar, "
            "identifier_type varchar, identifier_value varchar, profile_id varchar, suppression_type varchar, "
            "is_deleted boolean, reason varchar)"
        )
        for pid, identifiers in (suppressed or {}).items():
            con.execute("insert into marts.privacy_suppressed_profiles values (?, 'deleted', true)", [pid])
            for identifier_type, value in [("profile_id", pid), *identifiers]:
                con.execute(
                    "insert into marts.privacy_suppressed_identifiers values (?, ?, ?, ?, 'deleted', true, 'test')",
                    [f"{identifier_type}:{value}", identifier_type, value, pid],
                )
        con.execute(
            "create or replace table seeds.export_exclusions (identifier_type varchar, identifier_value varchar, "
            "reason varchar)"
        )
        if exclusions:
            con.executemany("insert into seeds.export_exclusions values (?, ?, ?)", exclusions)
    return Path(path)
