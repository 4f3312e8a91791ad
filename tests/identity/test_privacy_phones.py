"""Privacy requests read phones like identity does: a request carries no country, so a national number
takes var cdp__identity_default_phone_country; one that plan cannot read is invalid, never '+0...'."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.helpers import build_warehouse, query

REQUESTS = [
    ("r1", "delete", "phone", " 415.555.0101 "),
    ("r2", "delete", "phone", "+44 7700 900123"),
    ("r3", "suppress", "phone", "07700 900123"),
    ("r4", "suppress", "phone", "+0 7700 900123"),
    ("r5", "suppress", "email", " Ann@Example.org"),
]


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("privacy_phones")
    folder = root / "landing" / "privacy"
    folder.mkdir(parents=True)
    with open(folder / "requests.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["request_id", "request_type", "identifier_type", "identifier_value", "requested_at"])
        for request_id, request_type, identifier_type, value in REQUESTS:
            writer.writerow([request_id, request_type, identifier_type, value, "2026-11-20T09:00:00Z"])
    return root / "landing"


def _requests(landing: Path, db: Path, default_country: str) -> list[tuple]:
    build_warehouse(
        landing,
        db,
        select="stg_privacy__requests",
        extra_vars={"cdp__identity_default_phone_country": default_country},
    )
    return query(
        db,
        "select request_id, identifier_value, invalid_reason from staging.stg_privacy__requests order by request_id",
    )


def test_privacy_request_phones_use_the_default_country(landing: Path, tmp_path: Path) -> None:
    assert _requests(landing, tmp_path / "us.duckdb", "US") == [
        ("r1", "+14155550101", None),
        ("r2", "+447700900123", None),
        ("r3", None, "invalid_identifier_value"),  # a GB national number read with the US plan
        ("r4", None, "invalid_identifier_value"),  # E.164 never starts with +0
        ("r5", "ann@example.org", None),
    ]
    assert _requests(landing, tmp_path / "gb.duckdb", "GB") == [
        ("r1", "+444155550101", None),  # with the GB plan, 10 digits are a GB number without its trunk 0
        ("r2", "+447700900123", None),
        ("r3", "+447700900123", None),
        ("r4", None, "invalid_identifier_value"),
        ("r5", "ann@example.org", None),
    ]
