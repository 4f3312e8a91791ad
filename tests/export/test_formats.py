"""Each destination's file against the platform's published format rules (docs/exports.md).

Expected hashes are computed here independently: hashlib over values normalised by hand.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd

from tests.export.conftest import JANE_HASH, sha
from tests.export.helpers import BOM, export, file_of, read_csv


def test_meta_customer_list(warehouse, tmp_path):
    result = export(warehouse, tmp_path / "out", "meta")
    header, rows = read_csv(file_of(result, "full"))
    # Meta's customer-list headers (Business Help 2082575038703844); no internal id column: `uid` is a
    # Facebook app user id and Meta asks to remove internal-only customer codes (docs/exports.md)
    assert header == ["email", "phone", "madid", "fn", "ln", "zip", "ct", "st", "country"]
    assert len(rows) == 3  # profile_id order: prf_a, prf_b, prf_c
    by_id = dict(zip(["prf_a", "prf_b", "prf_c"], rows, strict=True))
    assert by_id["prf_a"] == {
        "email": sha("john.doe@example.com"),
        "phone": sha("14155552671"),  # E.164 digits, no '+'
        "madid": "ab12-cd34",  # not hashed, lower-case
        "fn": sha("john"),
        "ln": sha("oneil"),  # lower-case, punctuation removed
        "zip": sha("94105"),  # US: 5 digits
        "ct": sha("sanfrancisco"),  # lower-case, no spaces
        "st": sha("ca"),  # US state as its 2-letter code
        "country": sha("us"),  # ISO-2, lower-case
    }
    assert by_id["prf_b"] == {
        "email": JANE_HASH,  # already a SHA-256 (upper-case hex given): kept, lower-cased, not hashed again
        "phone": sha("442079460958"),
        "madid": "",
        "fn": sha("zoë"),  # UTF-8 letters stay
        "ln": sha("smithjr"),
        "zip": sha("sw1a1aa"),  # lower-case, no spaces
        "ct": sha("london"),
        "st": "",
        "country": sha("gb"),  # 'UK' -> GB
    }
    assert by_id["prf_c"]["email"] == "" and by_id["prf_c"]["phone"] == sha("49301234567")
    counts = result.manifest["counts"]
    assert counts["skipped"] == {"excluded": 1, "no_consent_advertising": 1, "privacy_suppressed": 1}
    assert counts["written"] == 3 and counts["source_rows"] == 6
    assert result.manifest["minimum_audience_size"]["below_minimum"] is True
    assert any("under meta's minimum of 100" in w for w in result.warnings)


def test_google_ads_customer_match(warehouse, tmp_path):
    result = export(warehouse, tmp_path / "out", "google_ads")
    header, rows = read_csv(file_of(result, "full"))
    assert header == ["Email", "Phone", "First Name", "Last Name", "Country", "Zip"]
    assert rows == [
        {
            "Email": sha("john.doe@example.com"),
            "Phone": sha("+14155552671"),  # E.164 with '+', then hashed
            "First Name": sha("john"),
            "Last Name": sha("o'neil"),  # lower-cased and trimmed only
            "Country": "US",  # not hashed
            "Zip": "94105",  # not hashed
        },
        {
            "Email": JANE_HASH,
            "Phone": sha("+442079460958"),
            "First Name": sha("zoë"),
            "Last Name": sha('smith, "jr"'),
            "Country": "GB",
            "Zip": "SW1A 1AA",
        },
        # no zip: a partial address never matches, so none of it is sent
        {
            "Email": "",
            "Phone": sha("+49301234567"),
            "First Name": "",
            "Last Name": "",
            "Country": "",
            "Zip": "",
        },
    ]
    assert result.manifest["counts"]["skipped"] == {
        "excluded": 1,
        "no_consent_advertising": 1,
        "privacy_suppressed": 1,
    }


def test_klaviyo_list_import(warehouse, tmp_path):
    result = export(warehouse, tmp_path / "out", "klaviyo")
    header, rows = read_csv(file_of(result, "full"))
    assert header == [
        "Email Address", "Phone Number", "First Name", "Last Name", "City", "Region", "Zip Code", "Country",
    ]  # fmt: skip
    assert rows == [
        {
            "Email Address": "john.doe@example.com",
            "Phone Number": "+14155552671",
            "First Name": "John",
            "Last Name": "O'Neil",
            "City": "San Francisco",
            "Region": "California",
            "Zip Code": "94105",
            "Country": "US",
        }
    ]
    # prf_b only has a hashed e-mail (unusable: Klaviyo needs a plain address) and prf_c none
    assert result.manifest["counts"]["skipped"] == {
        "excluded": 1, "missing_email": 1, "no_consent_marketing": 1, "privacy_suppressed": 1, "unusable_email": 1,
    }  # fmt: skip


def test_mailchimp_import(warehouse, tmp_path):
    result = export(warehouse, tmp_path / "out", "mailchimp")
    header, rows = read_csv(file_of(result, "full"))
    assert header == [
        "Email Address", "First Name", "Last Name", "Phone Number", "City", "State", "Zip Code", "Country", "Tags",
    ]  # fmt: skip
    assert rows == [
        {
            "Email Address": "john.doe@example.com",
            "First Name": "John",
            "Last Name": "O'Neil",
            "Phone Number": "+14155552671",
            "City": "San Francisco",
            "State": "California",
            "Zip Code": "94105",
            "Country": "US",
            "Tags": "vip",
        }
    ]


def test_generic_csv_quotes_and_normalises(warehouse, tmp_path):
    result = export(warehouse, tmp_path / "out", "csv")
    path = file_of(result, "full")
    header, rows = read_csv(path)
    assert header[:3] == ["audience_key", "profile_id", "email"]
    assert [r["profile_id"] for r in rows] == ["prf_a", "prf_b", "prf_c", "prf_d"]  # no consent needed
    assert rows[1]["last_name"] == 'Smith, "Jr"'
    assert '"Smith, ""Jr"""' in path.read_text(encoding="utf-8")
    assert rows[0]["phone"] == "+14155552671" and rows[1]["phone"] == "+442079460958"
    assert [r["country"] for r in rows] == ["US", "GB", "DE", ""]


def test_parquet(warehouse, tmp_path):
    result = export(warehouse, tmp_path / "out", "parquet")
    frame = pd.read_parquet(file_of(result, "full"))
    assert list(frame["profile_id"]) == ["prf_a", "prf_b", "prf_c", "prf_d"]
    assert frame.loc[0, "email"] == "john.doe@example.com"


def test_manifest(warehouse, tmp_path):
    result = export(warehouse, tmp_path / "out", "klaviyo")
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    path = file_of(result, "full")
    assert manifest["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (
        manifest["destination"] == "klaviyo" and manifest["audience"] == "vip" and manifest["mode"] == "full"
    )
    assert manifest["generated_at"] == "2026-12-01T09:00:00Z"
    assert manifest["counts"]["written"] == 1
    assert manifest["files"][0]["rows"] == 1
    assert not path.read_bytes().startswith(BOM)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [path.name, result.manifest_path.name]
    )


def test_mart_export(warehouse, tmp_path):
    result = export(
        warehouse, tmp_path / "out", "csv", audience=None, mart="marts.profile_contacts", key="profile_id"
    )
    _, rows = read_csv(file_of(result, "full"))
    # prf_e is privacy-suppressed and prf_f excluded; no consent filter on a generic file
    assert [r["profile_id"] for r in rows] == ["prf_a", "prf_b", "prf_c", "prf_d", "prf_g"]
    assert result.manifest["counts"]["skipped"] == {"excluded": 1, "privacy_suppressed": 1}
