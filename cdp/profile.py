"""Profile lookup, like Segment's Profile API: `cdp profile <type>:<value>`.

Finds the profile holding an identifier (or a profile id, current or retired) and returns the
profile, its identifiers, its traits (the latest value of each trait over its identify calls) and
its latest events. Reads the warehouse read-only.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

DEFAULT_PHONE_COUNTRY_CODE = "1"  # matches var cdp__identity_default_phone_country: US


class ProfileNotFound(LookupError):
    pass


def normalise_identifier(
    identifier_type: str, value: str, country_code: str = DEFAULT_PHONE_COUNTRY_CODE
) -> str:
    """The value as the identity models store it (email lower-cased, phone E.164, others trimmed)."""
    value = value.strip()
    if identifier_type == "email" or identifier_type == "advertising_id":
        return value.lower()
    if identifier_type == "phone":
        text = re.sub(r"(x|ext)[^0-9]*[0-9]+$", "", value.lower()).replace("(0)", "")
        digits = re.sub(r"[^0-9]", "", text)
        if text.startswith("+"):
            return "+" + digits
        if digits.startswith("00"):
            return "+" + digits[2:]
        if country_code == "1" and len(digits) == 11 and digits.startswith("1"):
            return "+" + digits
        if len(digits) == 10:
            return "+" + country_code + digits
        return "+" + digits
    return value


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return found[0][0] > 0


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [row[0] for row in rows]


def _find_profile_id(
    con: duckdb.DuckDBPyConnection, identifier_type: str, value: str
) -> tuple[str, str | None]:
    """(current profile id, retired id it was found by or None)."""
    if identifier_type in ("profile_id", "prf"):
        profile_id = value if value.startswith("prf_") else f"prf_{value}"
        if _rows(con, "select 1 from marts.dim_profiles where profile_id = ?", [profile_id]):
            return profile_id, None
        mapped = _rows(
            con, "select profile_id from marts.profile_id_map where old_profile_id = ?", [profile_id]
        )
        if mapped and mapped[0]["profile_id"]:
            return mapped[0]["profile_id"], profile_id
        raise ProfileNotFound(f"no profile with id {profile_id}")
    normalised = normalise_identifier(identifier_type, value)
    found = _rows(
        con,
        "select profile_id from marts.profile_identifiers where identifier_type = ? and identifier_value in (?, ?) "
        "order by last_seen_at desc limit 1",
        [identifier_type, normalised, value],
    )
    if not found:
        blocked = _rows(
            con,
            "select rule from marts.identity_links_rejected where identifier_type = ? and identifier_value in (?, ?) "
            "and rejection_kind <> 'limit' limit 1",
            [identifier_type, value, normalised],
        )
        hint = f" (the value is not matched: {blocked[0]['rule']})" if blocked else ""
        raise ProfileNotFound(f"no profile holds {identifier_type}:{normalised}{hint}")
    return found[0]["profile_id"], None


def _traits(con: duckdb.DuckDBPyConnection, profile_id: str) -> dict[str, Any]:
    """A traits mart with profile_id if one exists, else the latest value of each trait over identify calls."""
    for table in _rows(
        con,
        "select table_name from information_schema.columns where table_schema = 'marts' "
        "and column_name = 'profile_id' and table_name like '%trait%' order by table_name",
    ):
        rows = _rows(con, f'select * from marts."{table["table_name"]}" where profile_id = ?', [profile_id])
        if rows:
            return {key: val for key, val in rows[0].items() if key != "profile_id" and val is not None}
    traits: dict[str, Any] = {}
    for row in _rows(
        con,
        """
        select events.traits
        from intermediate.int_events_deduplicated as events
        join intermediate.int_identity__event_profiles as event_profiles using (event_id)
        where event_profiles.profile_id = ? and events.traits is not null
        order by events.event_at, events.event_id
        """,
        [profile_id],
    ):
        try:
            parsed = json.loads(row["traits"])
        except (TypeError, ValueError):
            continue
        if isinstance(parsed, dict):
            traits.update({key: val for key, val in parsed.items() if val is not None})
    return traits


def _latest_events(con: duckdb.DuckDBPyConnection, profile_id: str, limit: int) -> list[dict[str, Any]]:
    if _table_exists(con, "marts", "fct_events") and "profile_id" in _columns(con, "marts", "fct_events"):
        source = "marts.fct_events as events"
        where = "events.profile_id = ?"
    else:
        source = (
            "intermediate.int_events_deduplicated as events join intermediate.int_identity__event_profiles "
            "as event_profiles using (event_id)"
        )
        where = "event_profiles.profile_id = ?"
    return _rows(
        con,
        f"""
        select events.event_at, events.message_type, events.event_name, events.event_id,
               events.user_id, events.anonymous_id
        from {source}
        where {where}
        order by events.event_at desc, events.event_id desc
        limit ?
        """,
        [profile_id, limit],
    )


def lookup_profile(db_path: Path, identifier: str, events: int = 10) -> dict[str, Any]:
    """The profile holding `identifier` ('<type>:<value>', e.g. 'email:jane@x.com', or 'profile_id:prf_...').

    Returns {profile, identifiers, traits, events, looked_up_by, retired_profile_id}. Raises
    ProfileNotFound when no profile holds it and ValueError when the identifier has no type.
    """
    if ":" not in identifier:
        raise ValueError(f"identifier '{identifier}' must be <type>:<value>, e.g. email:jane@example.com")
    identifier_type, value = identifier.split(":", 1)
    identifier_type = identifier_type.strip().lower()
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(f"warehouse {db_path} not found; build it first (./scripts/run)")
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        profile_id, retired = _find_profile_id(con, identifier_type, value)
        profile = _rows(con, "select * from marts.dim_profiles where profile_id = ?", [profile_id])[0]
        identifiers = _rows(
            con,
            """
            select identifier_type, identifier_value, first_seen_at, last_seen_at, event_count, source
            from marts.profile_identifiers
            where profile_id = ?
            order by identifier_type, first_seen_at, identifier_value
            """,
            [profile_id],
        )
        return {
            "looked_up_by": identifier,
            "retired_profile_id": retired,
            "profile": profile,
            "identifiers": identifiers,
            "traits": _traits(con, profile_id),
            "events": _latest_events(con, profile_id, events),
        }
    finally:
        con.close()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _jsonable(val) for key, val in value.items()}
    if isinstance(value, list):
        return [_jsonable(val) for val in value]
    return value


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    if not rows:
        return "  (none)"
    cells = [[("" if row.get(col) is None else str(row.get(col))) for col in columns] for row in rows]
    widths = [max(len(col), *(len(cell[i]) for cell in cells)) for i, col in enumerate(columns)]
    lines = ["  " + "  ".join(col.ljust(widths[i]) for i, col in enumerate(columns)).rstrip()]
    lines.append("  " + "  ".join("-" * width for width in widths))
    lines += [
        "  " + "  ".join(cell[i].ljust(widths[i]) for i in range(len(columns))).rstrip() for cell in cells
    ]
    return "\n".join(lines)


def format_profile(result: dict[str, Any], as_json: bool = False) -> str:
    """The lookup result as JSON or as readable tables."""
    if as_json:
        return json.dumps(_jsonable(result), indent=2, ensure_ascii=False)
    profile = result["profile"]
    lines = [f"Profile {profile['profile_id']}"]
    if result.get("retired_profile_id"):
        lines.append(f"  (looked up by retired id {result['retired_profile_id']}, merged into this profile)")
    for key, val in profile.items():
        if key != "profile_id" and val not in (None, 0):
            lines.append(f"  {key:<22} {val}")
    lines += ["", f"Identifiers ({len(result['identifiers'])})"]
    lines.append(
        _table(
            result["identifiers"],
            ["identifier_type", "identifier_value", "first_seen_at", "last_seen_at", "event_count", "source"],
        )
    )
    lines += ["", f"Traits ({len(result['traits'])})"]
    lines += [f"  {key:<22} {val}" for key, val in sorted(result["traits"].items())] or ["  (none)"]
    lines += ["", f"Latest events ({len(result['events'])})"]
    lines.append(_table(result["events"], ["event_at", "message_type", "event_name", "event_id"]))
    return "\n".join(lines)


def profile_command(identifier: str, db_path: Path, as_json: bool = False, events: int = 10) -> str:
    """What `cdp profile` prints."""
    return format_profile(lookup_profile(db_path, identifier, events=events), as_json=as_json)
