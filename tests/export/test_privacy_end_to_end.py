"""A person deleted through one identifier (a phone number typed in a national format) is, after the
next dbt build, in no export file in any form: no e-mail, phone, advertising id or profile id, plain
or hashed, not even as a diff removal. Built end to end through dbt from Segment events."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import datetime
from pathlib import Path

import duckdb

from cdp.export import DESTINATIONS, run_export
from tests.helpers import build_warehouse, query

AS_OF = {"cdp__as_of": "2026-12-01 00:00:00"}
FIRST_BUILD = "+profile_contacts +privacy_suppressed_identifiers export_exclusions"
PRIVACY_BUILD = "stg_privacy__requests+"
CONSENT = {"categoryPreferences": {"marketing": True, "advertising": True, "analytics": True}}


def _message(n: int, kind: str, day: int, **fields) -> dict:
    at = f"2026-11-{day:02d}T10:00:{n:02d}Z"
    message = {"type": kind, "messageId": f"m-{n:03d}", "timestamp": at, "receivedAt": at, "sentAt": at}
    message.update(fields)
    return message


def _landing(root: Path) -> Path:
    alice_traits = {
        "email": " Alice.Smith@Example.COM ", "phone": "(415) 555-0101", "first_name": "Alice",
        "last_name": "Smith", "address": {"city": "Austin", "state": "TX", "postal_code": "73301", "country": "USA"},
    }  # fmt: skip
    messages = [
        _message(1, "identify", 2, userId="u_alice", anonymousId="anon-alice", traits=alice_traits,
                 context={"consent": CONSENT, "device": {"id": "dev-alice", "advertisingId": "AD-ALICE-1"}}),
        _message(2, "track", 3, userId="u_alice", anonymousId="anon-alice", event="Product Added",
                 properties={"product_id": "p1", "price": 10, "quantity": 1}, context={"consent": CONSENT}),
        _message(3, "identify", 4, anonymousId="anon-alice", traits={"email": "alice.work@example.com"}),
        _message(4, "identify", 2, userId="u_bob", anonymousId="anon-bob", context={"consent": CONSENT},
                 traits={"email": "bob@example.com", "phone": "+1 415 555 0102", "first_name": "Bob",
                         "country": "U.S.A."}),
        _message(5, "identify", 2, userId="u_carol", anonymousId="anon-carol", context={"consent": CONSENT},
                 traits={"email": "carol@example.com", "first_name": "Carol", "country": "United Kingdom"}),
    ]  # fmt: skip
    folder = root / "segment" / "web"
    folder.mkdir(parents=True)
    (folder / "events.jsonl").write_text("\n".join(json.dumps(m) for m in messages) + "\n", encoding="utf-8")
    return root


def _requests(landing: Path) -> None:
    folder = landing / "privacy"
    folder.mkdir()
    with open(folder / "requests.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["request_id", "request_type", "identifier_type", "identifier_value", "requested_at"])
        writer.writerow(["r1", "delete", "phone", " 415.555.0101 ", "2026-11-20T09:00:00Z"])
        writer.writerow(["r2", "unsuppress", "email", "ALICE.SMITH@example.com", "2026-11-21T09:00:00Z"])
        writer.writerow(["r3", "suppress", "email", "bob@example.com", "2026-11-20T09:00:00Z"])
        writer.writerow(["r4", "unsuppress", "email", " Bob@Example.com", "2026-11-22T09:00:00Z"])


def _audience(db: Path) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute(
            "create or replace table marts.audience_memberships as select 'everyone|' || profile_id as membership_id, "
            "'everyone' as audience_key, profile_id, true as is_member from marts.dim_profiles"
        )


def _export_all(db: Path, out: Path, mode: str, minute: int) -> list[Path]:
    files = []
    for destination in DESTINATIONS:
        result = run_export(warehouse=db, destination=destination, out_dir=out, audience="everyone", mode=mode,
                            now=datetime(2026, 12, 1, 9, minute))  # fmt: skip
        files += result.files + ([result.manifest_path] if result.manifest_path else [])
    result = run_export(warehouse=db, destination="csv", out_dir=out, mart="marts.profile_contacts", key="profile_id",
                        mode=mode, now=datetime(2026, 12, 1, 9, minute))  # fmt: skip
    files += result.files
    return files


def _forms(identifiers: list[tuple[str, str]]) -> set[str]:
    forms = set()
    for identifier_type, value in identifiers:
        forms |= {value, hashlib.sha256(value.encode()).hexdigest()}
        if identifier_type == "phone":  # Meta hashes the digits without '+'
            forms |= {value[1:], hashlib.sha256(value[1:].encode()).hexdigest()}
    return forms


def _text(path: Path) -> str:
    if path.suffix == ".parquet":
        import pandas as pd

        return pd.read_parquet(path).to_csv(index=False)
    return path.read_text(encoding="utf-8")


def test_a_deleted_person_is_in_no_export(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_INDIRECT_SELECTION", "cautious")  # leave out tests of marts not built here
    landing = _landing(tmp_path / "landing")
    db = build_warehouse(landing, tmp_path / "wh.duckdb", select=FIRST_BUILD, extra_vars=AS_OF)
    _audience(db)
    (alice,) = query(
        db, "select profile_id from marts.profile_identifiers where identifier_value = 'u_alice'"
    )[0:1]
    alice_id = alice[0]
    alice_identifiers = query(
        db,
        f"select identifier_type, identifier_value from marts.profile_identifiers where profile_id = '{alice_id}'",
    ) + [("profile_id", alice_id)]
    assert ("email", "alice.work@example.com") in alice_identifiers and (
        "phone",
        "+14155550101",
    ) in alice_identifiers
    contacts = query(
        db, "select email, phone, phone_given, country, zip from marts.profile_contacts order by email"
    )
    assert contacts == [
        ("alice.work@example.com", "+14155550101", "(415) 555-0101", "US", "73301"),  # USA -> US
        ("bob@example.com", "+14155550102", "+1 415 555 0102", "US", None),  # 'U.S.A.' -> US
        ("carol@example.com", None, None, "GB", None),  # 'United Kingdom' -> GB
    ]
    before = _export_all(db, tmp_path / "out", "full", 0)
    klaviyo = next(p for p in before if ".klaviyo." in p.name and p.suffix == ".csv")
    assert "alice.work@example.com" in klaviyo.read_text(encoding="utf-8")  # exported before the request

    _requests(landing)
    build_warehouse(landing, db, select=PRIVACY_BUILD, extra_vars=AS_OF)
    assert query(
        db, "select profile_id, suppression_type, deciding_request_id from marts.privacy_suppressed_profiles"
    ) == [
        (alice_id, "deleted", "r1")  # the later unsuppress lifts nothing; Bob's suppress was lifted
    ]
    suppressed = {tuple(r) for r in query(
        db, "select identifier_type, identifier_value from marts.privacy_suppressed_identifiers")}  # fmt: skip
    assert set(alice_identifiers) <= suppressed

    after = _export_all(db, tmp_path / "out", "diff", 1) + _export_all(db, tmp_path / "out", "full", 2)
    forms = _forms(alice_identifiers)
    assert after
    for path in after:
        text = _text(path)
        leaked = sorted(f for f in forms if f in text)
        assert not leaked, f"{path.name} contains {leaked}"
    full_klaviyo = next(p for p in after if ".klaviyo.full." in p.name and p.suffix == ".csv")
    assert "bob@example.com" in full_klaviyo.read_text(encoding="utf-8")  # unsuppressed: exported again
    assert "carol@example.com" in full_klaviyo.read_text(encoding="utf-8")
