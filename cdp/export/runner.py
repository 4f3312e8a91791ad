"""`cdp export`: read an audience (or a mart) from the warehouse, build the destination's file, validate,
publish safely, and record the sync state.

Order of work, so that a failure anywhere leaves nothing that looks complete and no changed state:
1. read everything through a read-only connection, then close it;
2. build the rows (consent, privacy suppression, exclusions, required keys) and the diff against
   the last successful export of this (destination, audience);
3. write each file under a hidden temporary name in the output folder, fsync, and validate it with
   the great-expectations suite; a failing file is removed and nothing is published;
4. open the warehouse read-write (fails fast if dbt holds it), rename the files into place, write
   the manifest last, and commit the new sync state in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from cdp.export import normalize as nz
from cdp.export import state as sync_state
from cdp.export.destinations import ACTION_COLUMN, DESTINATIONS, Destination, get_destination, phone_country
from cdp.export.validate import ExportValidationError, validate_file

MODES = ("full", "diff")
REQUIRED_TABLES = (
    "marts.audience_memberships",
    "marts.profile_contacts",
    "marts.privacy_suppressed_profiles",
    "marts.privacy_suppressed_identifiers",
)
EXCLUSIONS_TABLE = "seeds.export_exclusions"
PROGRESS_FROM = 10_000
# columns of a mart that hold identifiers, checked against the privacy and exclusion lists
MART_IDENTIFIER_COLUMNS = (
    "profile_id", "user_id", "email", "phone", "advertising_id", "primary_email", "primary_phone", "primary_user_id",
    "anonymous_id", "device_id", "identifier_value", "old_profile_id", "phone_given",
)  # fmt: skip


class ExportError(ValueError):
    """Bad input or a state the export cannot run in; the message says what to do."""


@dataclass
class ExportResult:
    manifest: dict
    manifest_path: Path | None
    files: list[Path]
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        m = self.manifest
        counts = m["counts"]
        skipped = ", ".join(f"{reason} {n:,}" for reason, n in sorted(counts["skipped"].items())) or "none"
        verb = "would write" if self.dry_run else "wrote"
        lines = [
            f"{m['audience']} -> {m['destination']} ({m['mode']}{', dry run' if self.dry_run else ''}): "
            f"{counts['eligible']:,} of {counts['source_rows']:,} rows eligible; {verb} {counts['written']:,} rows "
            f"(added {counts['added']:,}, updated {counts['updated']:,}, removed {counts['removed']:,}, "
            f"unchanged {counts['unchanged']:,}); skipped: {skipped}"
        ]
        if counts.get("values_dropped"):
            dropped = ", ".join(f"{reason} {n:,}" for reason, n in sorted(counts["values_dropped"].items()))
            lines.append(f"  values left empty in written rows: {dropped}")
        if counts.get("removals_withheld_for_privacy"):
            lines.append(
                f"  {counts['removals_withheld_for_privacy']:,} removals withheld: their identifiers are privacy-"
                "suppressed or excluded and are never written; run a full export to replace the list"
            )
        if counts.get("removals_withheld_shared_identifier"):
            lines.append(
                f"  {counts['removals_withheld_shared_identifier']:,} removals withheld: they share an e-mail or "
                "phone with a current member, whom the platform would remove too"
            )
        for item in m["files"]:
            lines.append(
                f"  {item['kind']}: {item['path']} ({item['rows']:,} rows, sha256 {item['sha256'][:12]}...)"
            )
        if self.dry_run:
            for kind, rows in m.get("planned_files", {}).items():
                lines.append(f"  {kind}: {rows:,} rows")
        if self.manifest_path:
            lines.append(f"  manifest: {self.manifest_path}")
        lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)


class Progress:
    """A counter on stderr every 10% of a long job (from PROGRESS_FROM rows, or when forced)."""

    def __init__(self, label: str, total: int, enabled: bool | None = None) -> None:
        self.label, self.total = label, total
        self.enabled = total >= PROGRESS_FROM if enabled is None else enabled
        self.step = max(total // 10, 1)
        self.next = self.step

    def update(self, done: int) -> None:
        if self.enabled and (done >= self.next or done == self.total):
            print(f"cdp export: {self.label} {done:,}/{self.total:,} rows", file=sys.stderr, flush=True)
            while self.next <= done:
                self.next += self.step


# ------------------------------------------------------------------------------------------------
# reading


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    if not Path(path).exists():
        raise ExportError(f"warehouse {path} does not exist: build it first (dbt build) or pass --warehouse")
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as error:
        detail = " ".join(str(error).split())
        hint = (
            "Another process holds the warehouse (exports must not run while dbt builds): retry when it has finished."
            if "lock" in detail.lower()
            else "Is it a DuckDB warehouse built by dbt?"
        )
        raise ExportError(
            f"cannot open warehouse {path} {'read-only' if read_only else 'read-write'}: {detail}. {hint}"
        ) from error


def _table_exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, name = qualified.split(".", 1)
    return (
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
        > 0
    )


def _fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@dataclass
class Blocklist:
    """Identifiers that are never written: privacy-suppressed and excluded, plain and hashed."""

    suppressed_profiles: set[str]
    suppressed: set[str]
    excluded: set[str]

    @staticmethod
    def _forms(identifier_type: str, value: str | None) -> set[str]:
        if value is None:
            return set()
        forms = {value}
        if identifier_type == "email":
            normalised = nz.email(value)
            if normalised:
                forms |= {normalised, nz.sha256_hex(normalised)}
        elif identifier_type == "phone":
            e164 = nz.phone_e164(value)
            if e164:
                forms |= {e164, nz.sha256_hex(e164), e164[1:], nz.sha256_hex(e164[1:])}
        elif identifier_type == "advertising_id":
            forms.add(value.strip().lower())
        else:
            forms.add(value.strip())
        return {f for f in forms if f}

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, warnings: list[str]) -> Blocklist:
        profiles = {
            r[0] for r in con.execute("select profile_id from marts.privacy_suppressed_profiles").fetchall()
        }
        suppressed: set[str] = set(profiles)
        for identifier_type, value in con.execute(
            "select identifier_type, identifier_value from marts.privacy_suppressed_identifiers"
        ).fetchall():
            suppressed |= cls._forms(identifier_type, value)
        excluded: set[str] = set()
        if _table_exists(con, EXCLUSIONS_TABLE):
            for identifier_type, value in con.execute(
                f"select identifier_type, identifier_value from {EXCLUSIONS_TABLE}"
            ).fetchall():
                excluded |= cls._forms(identifier_type, value)
        else:
            warnings.append(f"{EXCLUSIONS_TABLE} not found (dbt seed): no global exclusions applied")
        return cls(profiles, suppressed, excluded)

    def reason(self, values: list[object]) -> str | None:
        texts = {str(v).strip() for v in values if v is not None and str(v).strip()}
        lowered = {t.lower() for t in texts}
        if texts & self.suppressed or lowered & self.suppressed:
            return "privacy_suppressed"
        if texts & self.excluded or lowered & self.excluded:
            return "excluded"
        return None


def _contact_identifiers(contact: dict) -> list[object]:
    return [
        contact.get("profile_id"),
        contact.get("member_profile_id"),
        nz.email(contact.get("email")),
        contact.get("email"),
        nz.phone_e164(contact.get("phone")),
        nz.phone_e164(contact.get("phone"), phone_country(contact)),
        nz.phone_e164(contact.get("phone_given"), phone_country(contact)),
        contact.get("phone"),
        contact.get("advertising_id"),
    ]


def _load_audience(con: duckdb.DuckDBPyConnection, audience: str) -> list[dict]:
    missing = [t for t in REQUIRED_TABLES if not _table_exists(con, t)]
    if missing:
        raise ExportError(
            f"the warehouse lacks {', '.join(missing)}: run dbt build (models/marts/activation, audiences) first"
        )
    known = con.execute(
        "select count(*) from marts.audience_memberships where audience_key = ?", [audience]
    ).fetchone()[0]
    if not known:
        in_dim = (
            _table_exists(con, "marts.dim_audiences")
            and con.execute(
                "select count(*) from marts.dim_audiences where audience_key = ?", [audience]
            ).fetchone()[0]
        )
        if not in_dim:
            keys = [r[0] for r in con.execute(
                "select distinct audience_key from marts.audience_memberships order by 1 limit 30").fetchall()]  # fmt: skip
            raise ExportError(
                f"audience {audience!r} not found in marts.audience_memberships; known: {', '.join(keys)}"
            )
    return _fetch_dicts(
        con,
        """select memberships.profile_id as member_profile_id, contacts.*
           from marts.audience_memberships as memberships
           left join marts.profile_contacts as contacts
               on memberships.profile_id = contacts.profile_id
           where memberships.audience_key = ? and memberships.is_member
           order by memberships.profile_id""",
        [audience],
    )


_MART_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")


def _load_mart(con: duckdb.DuckDBPyConnection, mart: str, key: str) -> tuple[list[str], list[dict]]:
    if not _MART_RE.match(mart):
        raise ExportError(f"--mart must be schema.table (e.g. marts.customer_traits), got {mart!r}")
    schema, name = mart.split(".")
    columns = [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position", [schema, name]).fetchall()]  # fmt: skip
    if not columns:
        raise ExportError(f"mart {mart} not found in the warehouse")
    if key not in columns:
        raise ExportError(f"--key {key!r} is not a column of {mart}; columns: {', '.join(columns)}")
    for statement in ("privacy_suppressed_profiles", "privacy_suppressed_identifiers"):
        if not _table_exists(con, f"marts.{statement}"):
            raise ExportError(f"the warehouse lacks marts.{statement}: run dbt build first")
    rows = _fetch_dicts(con, f'select * from "{schema}"."{name}" order by "{key}"')
    return columns, rows


# ------------------------------------------------------------------------------------------------
# building rows


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple, dict)):  # DuckDB LIST / STRUCT / MAP: JSON, not a Python repr
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (bytes, bytearray, memoryview)):  # BLOB: lower-case hex
        return bytes(value).hex()
    return str(value)


def checksum(row: dict) -> str:
    return hashlib.sha256(json.dumps(row, ensure_ascii=False, sort_keys=False).encode("utf-8")).hexdigest()


@dataclass
class Built:
    headers: list[str]
    records: dict[str, tuple[str, dict]]  # key -> (checksum, row)
    skipped: Counter
    source_rows: int
    dropped: Counter = field(default_factory=Counter)  # values left empty in written rows, by reason


FREE_TEXT_FIELDS = ("first_name", "last_name", "city", "state")
CONTACT_TEXT_FIELDS = ("email", "phone", "advertising_id", "zip", "country", *FREE_TEXT_FIELDS)
NULL_TOKENS = frozenset(("null", "none", "nil", "n/a", "undefined", "nan"))
FORMULA_START = ("=", "+", "-", "@")
KEY_SOURCES = {
    "email": "email", "Email": "email", "Email Address": "email", "phone": "phone", "Phone": "phone",
    "Phone Number": "phone", "madid": "advertising_id", "profile_id": "profile_id", "First Name": "first_name",
}  # fmt: skip


def _utf8_safe(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _sanitise(contact: dict, dropped: Counter) -> dict:
    """A copy of the contact without values no platform should get: text that cannot be written as UTF-8
    (lone surrogates), 'null'-like placeholders in names and address, and free text that a spreadsheet
    would run as a formula (a name or city starting with = + - @)."""
    contact = dict(contact)
    given = contact.get("phone_given")
    if given is not None and _utf8_safe(str(given)):
        country = phone_country(contact)
        if nz.phone_e164(contact.get("phone"), country) is None and nz.phone_e164(given, country) is not None:
            contact["phone"] = given  # the phone as sent, read in the contact's country
    for name in CONTACT_TEXT_FIELDS:
        value = contact.get(name)
        if value is None:
            continue
        text = str(value)
        if not _utf8_safe(text):
            contact[name] = None
            dropped[f"{name}_not_utf8"] += 1
            continue
        if name in (*FREE_TEXT_FIELDS, "zip"):
            cleaned = nz.clean(text)
            if cleaned is not None and cleaned.lower() in NULL_TOKENS and name != "zip":
                contact[name] = None
                dropped[f"{name}_placeholder"] += 1
            elif cleaned is not None and cleaned.startswith(FORMULA_START):
                contact[name] = None
                dropped[f"{name}_formula_like"] += 1
    return contact


def _count_lost_values(contact: dict, dropped: Counter) -> None:
    """Count a written row's values that normalisation could not use (the row is still exported)."""
    if nz.clean(contact.get("email")) and nz.email(contact.get("email")) is None:
        dropped["email_not_an_address"] += 1
    if nz.clean(contact.get("phone")) and nz.phone_e164(contact.get("phone"), phone_country(contact)) is None:
        dropped["phone_not_e164"] += 1
    if nz.clean(contact.get("country")) and nz.country_iso2(contact.get("country")) is None:
        dropped["country_unknown"] += 1


def _missing_key_reason(destination: Destination, contact: dict) -> str:
    """missing_<keys> when the contact has none of them; unusable_<keys> when it has, but none normalises."""
    sources = {KEY_SOURCES.get(h, h) for h in destination.key_headers}
    if any(nz.clean(contact.get(source)) for source in sources):
        return destination.missing_key_reason.replace("missing_", "unusable_", 1)
    return destination.missing_key_reason


def _build_audience_rows(
    destination: Destination, audience: str, contacts: list[dict], blocklist: Blocklist, progress: bool | None
) -> Built:
    skipped: Counter = Counter()
    dropped: Counter = Counter()
    records: dict[str, tuple[str, dict]] = {}
    seen_unique: set[str] = set()
    meter = Progress(f"{audience} -> {destination.name}: built", len(contacts), progress)
    for number, contact in enumerate(contacts, start=1):
        meter.update(number)
        if contact.get("profile_id") is None:
            skipped["missing_contact"] += 1
            continue
        blocked = blocklist.reason(_contact_identifiers(contact))
        if blocked:
            skipped[blocked] += 1
            continue
        if contact.get("is_suppressed"):
            skipped["privacy_suppressed"] += 1
            continue
        if (
            destination.required_consent
            and contact.get(f"consent_{destination.required_consent}") is not True
        ):
            skipped[f"no_consent_{destination.required_consent}"] += 1
            continue
        row_dropped: Counter = Counter()
        contact = _sanitise(contact, row_dropped)
        try:
            row = destination.build(contact, audience)
        except Exception as error:  # noqa: BLE001 - name the row at fault
            raise ExportError(
                f"audience {audience!r}, profile {contact.get('profile_id')}: cannot build the {destination.name} "
                f"row: {error}"
            ) from error
        if not any(row.get(k) for k in destination.key_headers):
            skipped[_missing_key_reason(destination, contact)] += 1
            continue
        blocked = blocklist.reason([row.get(h) for h in destination.identifier_headers])  # as written, too
        if blocked:
            skipped[blocked] += 1
            continue
        if destination.unique_header:
            unique_value = row[destination.unique_header]
            if unique_value in seen_unique:
                skipped[f"duplicate_{destination.unique_header.lower().replace(' ', '_')}"] += 1
                continue
            seen_unique.add(unique_value)
        _count_lost_values(contact, row_dropped)
        dropped.update(row_dropped)
        records[str(contact["profile_id"])] = (checksum(row), row)
    return Built(list(destination.headers), records, skipped, len(contacts), dropped)


def _build_mart_rows(
    mart: str, key: str, columns: list[str], rows: list[dict], blocklist: Blocklist, progress: bool | None
) -> Built:
    skipped: Counter = Counter()
    records: dict[str, tuple[str, dict]] = {}
    identifier_columns = [
        c for c in columns if c in ("profile_id", "email", "phone", "advertising_id", "user_id")
    ]
    meter = Progress(f"{mart}: built", len(rows), progress)
    for number, source in enumerate(rows, start=1):
        meter.update(number)
        key_value = _text(source.get(key))
        if key_value is None:
            skipped["missing_key"] += 1
            continue
        ids = [source.get(c) for c in identifier_columns]
        ids += (
            [nz.email(source.get("email")), nz.phone_e164(source.get("phone"))] if identifier_columns else []
        )
        blocked = blocklist.reason(ids)
        if blocked:
            skipped[blocked] += 1
            continue
        if key_value in records:
            raise ExportError(f"{mart}: --key {key!r} is not unique: {key_value!r} appears more than once")
        row = {column: _text(source.get(column)) for column in columns}
        for column, text in row.items():
            if text is not None and not _utf8_safe(text):
                raise ExportError(
                    f"{mart}: row {key}={key_value!r}, column {column!r}: the value is not valid UTF-8 text "
                    f"({text.encode('utf-8', 'backslashreplace').decode('ascii', 'backslashreplace')[:60]}); "
                    "fix it in the model"
                )
        records[key_value] = (checksum(row), row)
    return Built(list(columns), records, skipped, len(rows))


# ------------------------------------------------------------------------------------------------
# diff and files


@dataclass
class PlannedFile:
    kind: str  # full | add | remove | upsert | changes
    headers: list[str]
    rows: list[dict]


def _plan_files(
    destination: Destination,
    mode: str,
    built: Built,
    previous: sync_state.PreviousState,
    blocklist: Blocklist,
) -> tuple[list[PlannedFile], dict]:
    current, before = built.records, previous.records
    identifier_headers = destination.identifier_headers
    added = sorted(k for k in current if k not in before)
    removed_all = sorted(k for k in before if k not in current)
    updated = sorted(k for k in current if k in before and before[k][0] != current[k][0])

    def blocked(row: dict) -> bool:
        return blocklist.reason([row.get(h) for h in identifier_headers]) is not None

    removed = [k for k in removed_all if not blocklist.reason([k]) and not blocked(before[k][1])]
    withheld = len(removed_all) - len(removed)
    # A platform removes the *people* a removal row matches: a row sharing an identifier with a row that
    # stays (a household phone, an address now on another profile) would take a current member off too.
    shared_headers = (destination.match_header,) if destination.match_header else identifier_headers
    current_values = {h: {row.get(h) for _, row in current.values() if row.get(h)} for h in shared_headers}

    def shares_identifier(row: dict) -> bool:
        return any(row.get(h) and row.get(h) in current_values[h] for h in shared_headers)

    shared: list[str] = []
    if destination.diff_style != "action_column":
        shared = [k for k in removed if shares_identifier(before[k][1])]
        removed = [k for k in removed if k not in set(shared)]
    counts = {
        "added": len(added),
        "updated": len(updated),
        "removed": len(removed),
        "removals_withheld_for_privacy": withheld,
        "removals_withheld_shared_identifier": len(shared),
        "unchanged": len(current) - len(added) - len(updated),
    }
    headers = built.headers
    if mode == "full":
        return [PlannedFile("full", headers, [current[k][1] for k in sorted(current)])], counts
    if destination.diff_style == "action_column":
        rows = [{ACTION_COLUMN: "added", **current[k][1]} for k in added]
        rows += [{ACTION_COLUMN: "updated", **current[k][1]} for k in updated]
        rows += [{ACTION_COLUMN: "removed", **{h: before[k][1].get(h) for h in headers}} for k in removed]
        return [PlannedFile("changes", [ACTION_COLUMN, *headers], rows)], counts
    if destination.diff_style == "add_remove":
        # no update in place: an updated record is added as it is, and its old row is NOT removed. A removal
        # matches people, not rows: the old row (same person, maybe the same phone) would take a current member
        # off the list whichever order the two files are uploaded in.
        add_rows = [current[k][1] for k in added + updated]
        remove_rows = [before[k][1] for k in removed]
        return [PlannedFile("add", headers, add_rows), PlannedFile("remove", headers, remove_rows)], counts
    # upsert_remove: the import updates a record with the same match key; a changed key is remove + add
    match = destination.match_header
    remove_headers = list(destination.remove_headers or headers)
    upsert_rows = [current[k][1] for k in added + updated]
    remove_rows = [{h: before[k][1].get(h) for h in remove_headers} for k in removed]
    for k in updated:
        old = before[k][1]
        if (
            match
            and old.get(match) != current[k][1].get(match)
            and not blocked(old)
            and not shares_identifier(old)
        ):
            remove_rows.append({h: old.get(h) for h in remove_headers})
    return [
        PlannedFile("upsert", headers, upsert_rows),
        PlannedFile("remove", remove_headers, remove_rows),
    ], counts


def _write_csv(handle, headers: list[str], rows: list[dict], meter: Progress) -> None:
    writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(headers)
    for number, row in enumerate(rows, start=1):
        writer.writerow(["" if row.get(h) is None else row[h] for h in headers])
        meter.update(number)


def _write_file(path: Path, planned: PlannedFile, file_format: str, progress: bool | None) -> None:
    meter = Progress(f"writing {path.name.lstrip('.')}", len(planned.rows), progress)
    if file_format == "parquet":
        import pandas as pd

        frame = pd.DataFrame([[row.get(h) for h in planned.headers] for row in planned.rows], columns=planned.headers,
                             dtype="string")  # fmt: skip
        frame.to_parquet(path, index=False)
        with open(path, "rb+") as handle:
            os.fsync(handle.fileno())
        meter.update(len(planned.rows))
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:  # UTF-8 without a byte-order mark
        _write_csv(handle, planned.headers, planned.rows, meter)
        handle.flush()
        os.fsync(handle.fileno())


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _stem(out_dir: Path, audience: str, destination: str, mode: str, now: datetime) -> str:
    safe = re.sub(r"[^\w.-]+", "_", audience)
    base = f"{safe}.{destination}.{mode}.{now.strftime('%Y%m%dT%H%M%SZ')}"
    stem, n = base, 1
    while any(out_dir.glob(f"{stem}.*")):
        n += 1
        stem = f"{base}-{n}"
    return stem


# ------------------------------------------------------------------------------------------------
# the export


def run_export(
    *,
    warehouse: Path,
    destination: str,
    out_dir: Path,
    audience: str | None = None,
    mart: str | None = None,
    key: str | None = None,
    mode: str = "full",
    dry_run: bool = False,
    progress: bool | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """Export an audience (or a mart, to csv / parquet) to `out_dir`; see the module docstring."""
    try:
        dest = get_destination(destination)
    except ValueError as error:
        raise ExportError(str(error)) from None
    if mode not in MODES:
        raise ExportError(f"--mode must be full or diff, got {mode!r}")
    if (audience is None) == (mart is None):
        raise ExportError("give either --audience KEY or --mart schema.table (with --key column)")
    if mart is not None:
        if dest.file_format != "parquet" and dest.name != "csv":
            raise ExportError(f"--mart exports go to csv or parquet, not {dest.name}")
        if not key:
            raise ExportError("--mart needs --key, the column that identifies a record")
    sync_name = audience if audience is not None else mart
    assert sync_name is not None
    warnings: list[str] = []
    started = now or sync_state.utc_now()

    con = _connect(Path(warehouse), read_only=True)
    try:
        if audience is not None:
            contacts = _load_audience(con, audience)
            blocklist = Blocklist.load(con, warnings)
        else:
            columns, mart_rows = _load_mart(con, mart, key)  # type: ignore[arg-type]
            blocklist = Blocklist.load(con, warnings)
        previous = sync_state.read_state(con, dest.name, sync_name)
    finally:
        con.close()

    if audience is not None:
        built = _build_audience_rows(dest, audience, contacts, blocklist, progress)
    else:
        built = _build_mart_rows(mart, key, columns, mart_rows, blocklist, progress)  # type: ignore[arg-type]
    if mode == "diff" and previous.last_run_id is None:
        warnings.append(
            "no earlier successful export of this audience to this destination: the diff adds everything"
        )
    if mart is not None:
        # a mart's columns are exported as they are: the checks are the header, the key, and no BOM
        identifiers = tuple(c for c in built.headers if c in MART_IDENTIFIER_COLUMNS)
        dest = replace(dest, headers=tuple(built.headers), key_headers=(key,), missing_key_reason="missing_key",
                       unique_header=key, e164=(), iso2=(), hashed=(), us_zip=None,
                       identifier_headers=(key, *identifiers))  # fmt: skip
    planned, counts = _plan_files(dest, mode, built, previous, blocklist)
    planned = [p for p in planned if p.rows or p.kind == "full"]
    eligible = len(built.records)
    if dest.min_size and eligible < dest.min_size:
        warnings.append(
            f"{eligible:,} eligible rows is under {dest.name}'s minimum of {dest.min_size:,}: {dest.min_size_note}"
        )

    run_id = f"{started.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:12]}"
    manifest: dict = {
        "run_id": run_id,
        "destination": dest.name,
        "destination_label": dest.label,
        "audience": sync_name,
        "mode": mode,
        "generated_at": started.isoformat(timespec="seconds") + "Z",
        "warehouse": str(warehouse),
        "required_consent": dest.required_consent,
        "minimum_audience_size": {
            "minimum": dest.min_size,
            "eligible_rows": eligible,
            "below_minimum": bool(dest.min_size and eligible < dest.min_size),
            "note": dest.min_size_note,
        },  # fmt: skip
        "counts": {
            "source_rows": built.source_rows,
            "eligible": eligible,
            "written": 0,
            "skipped": dict(sorted(built.skipped.items())),
            "values_dropped": dict(sorted(built.dropped.items())),
            **counts,
        },
        "previous_run_id": previous.last_run_id,
        "files": [],
    }
    if dry_run:
        manifest["planned_files"] = {p.kind: len(p.rows) for p in planned}
        manifest["counts"]["written"] = sum(len(p.rows) for p in planned)
        return ExportResult(manifest, None, [], warnings, dry_run=True)

    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create the output folder {out_dir}: {error}") from error
    stem = _stem(out_dir, sync_name, dest.name, mode, started)
    extension = "parquet" if dest.file_format == "parquet" else "csv"
    temps: list[tuple[Path, Path, PlannedFile]] = []
    try:
        for item in planned:
            final = out_dir / (
                f"{stem}.{extension}" if item.kind == "full" else f"{stem}.{item.kind}.{extension}"
            )
            temp = out_dir / f".{final.name}.tmp-{os.getpid()}"
            temps.append((temp, final, item))
            _write_file(temp, item, dest.file_format, progress)
            validate_file(temp, dest, item.headers, audience=sync_name, expected_rows=len(item.rows))
            size = temp.stat().st_size
            if dest.max_file_bytes and size > dest.max_file_bytes:
                warnings.append(
                    f"{final.name} is {size / 1_048_576:.1f} MB, over {dest.name}'s import limit of "
                    f"{dest.max_file_bytes / 1_048_576:.0f} MB: split it into parts before uploading"
                )
    except BaseException as error:
        for temp, _, _ in temps:
            temp.unlink(missing_ok=True)
        if isinstance(error, ExportValidationError):
            _log_failure(warehouse, run_id, dest.name, sync_name, mode, started, str(error))
        if isinstance(error, OSError):
            raise ExportError(
                f"export of audience {sync_name!r} to {dest.name}: cannot write into {out_dir}: {error}; "
                "nothing was published and the sync state is unchanged"
            ) from error
        raise

    # publish: take the write lock first, so a warehouse held by dbt publishes nothing
    try:
        con = _connect(Path(warehouse), read_only=False)
    except ExportError:
        for temp, _, _ in temps:
            temp.unlink(missing_ok=True)
        raise
    try:
        files = []
        for temp, final, item in temps:
            os.replace(temp, final)
            files.append(final)
            manifest["files"].append({
                "kind": item.kind, "path": str(final), "name": final.name, "rows": len(item.rows),
                "bytes": final.stat().st_size, "sha256": _sha256_file(final), "headers": item.headers,
            })  # fmt: skip
        _fsync_dir(out_dir)
        manifest["counts"]["written"] = sum(f["rows"] for f in manifest["files"])
        if len(manifest["files"]) == 1:
            manifest["file"], manifest["sha256"] = (
                manifest["files"][0]["name"],
                manifest["files"][0]["sha256"],
            )
        manifest["warnings"] = warnings
        manifest_path = out_dir / f"{stem}.manifest.json"
        temp_manifest = out_dir / f".{manifest_path.name}.tmp-{os.getpid()}"
        temp_manifest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(temp_manifest, manifest_path)
        _fsync_dir(out_dir)
        run = {
            "run_id": run_id, "destination": dest.name, "audience": sync_name, "mode": mode, "status": "succeeded",
            "started_at": started, "finished_at": sync_state.utc_now(), "rows_written": manifest["counts"]["written"],
            "rows_added": counts["added"], "rows_updated": counts["updated"], "rows_removed": counts["removed"],
            "records_after": len(built.records), "manifest_path": str(manifest_path),
        }  # fmt: skip
        try:
            sync_state.commit_state(
                con,
                run=run,
                records=built.records,
                expected_last_run_id=previous.last_run_id,
                purge_record_keys=sorted(blocklist.suppressed_profiles),
            )
        except duckdb.Error as error:
            raise ExportError(
                f"export of audience {sync_name!r} to {dest.name}: the files are published ({manifest_path}) but "
                f"the sync state could not be recorded: {' '.join(str(error).split())}; the next diff will repeat "
                "these changes, or run --mode full"
            ) from error
    finally:
        con.close()
    return ExportResult(manifest, manifest_path, files, warnings)


def _log_failure(warehouse: Path, run_id: str, destination: str, audience: str, mode: str, started: datetime,
                 error: str) -> None:  # fmt: skip
    try:
        con = duckdb.connect(str(warehouse))
    except duckdb.Error:
        return  # the warehouse is busy: the error is still raised to the caller
    try:
        sync_state.record_failed_run(con, {
            "run_id": run_id, "destination": destination, "audience": audience, "mode": mode, "status": "failed",
            "started_at": started, "finished_at": sync_state.utc_now(), "error": error[:2000],
        })  # fmt: skip
    finally:
        con.close()


__all__ = ["DESTINATIONS", "ExportError", "ExportResult", "ExportValidationError", "run_export"]
