"""Messy contacts a real CRM sends: national phone formats of several countries, international prefixes,
extensions, numbers too short; e-mails with capitals, spaces, invisible and non-ASCII characters; names with
accents, punctuation and doubled spaces; 'null' placeholders, spreadsheet formulas, commas, quotes and
newlines; country names; US zips that lost their leading zero. Expected values are written out by hand and
hashed here with hashlib."""

from __future__ import annotations

from collections import Counter

import pytest

from cdp.export import runner
from tests.export.conftest import sha
from tests.export.helpers import export, file_of, read_csv
from tests.export.warehouse import contact, write_warehouse

HASHED_EMAIL = sha("hashed@example.com")


def messy_contacts() -> list[dict]:
    return [
        contact(
            "p1", email=" ÉMILE.Dupont@Exämple.com\u200b", phone="07700 900123", country="United Kingdom",
            first_name="  Émilie  ", last_name="Dupont-Moreau", city="Newcastle upon Tyne", zip="NE1 4ST",
        ),
        contact(
            "p2", email="MAX@Example.DE", phone="0151 23456789", country="Deutschland", first_name="Max  Peter",
            last_name="Müller", city="Berlin", zip="10115",
        ),
        contact(
            "p3", email="ann@example.com", phone="00 44 20 7946 0958 ext. 12", country="USA", zip="2134",
            first_name='=HYPERLINK("http://evil.example")', last_name='Smith, "Jr"\nIII', city="null",
            state="New York",
        ),
        contact("p4", email="short@example.com", phone="555-01", country="US", first_name="Bo"),
        contact("p5", email="not-an-email", phone="12", country="US"),
        contact("p6", email="", phone=None),
        contact("p7", email=HASHED_EMAIL.upper(), phone="+1 (415) 555-0199", country="US"),
    ]  # fmt: skip


@pytest.fixture
def messy(tmp_path):
    return write_warehouse(
        tmp_path / "messy.duckdb", messy_contacts(), {"vip": [f"p{n}" for n in range(1, 8)]}
    )


def test_meta_normalises_messy_contacts(messy, tmp_path):
    result = export(messy, tmp_path / "out", "meta")
    _, rows = read_csv(file_of(result, "full"))
    assert len(rows) == 5  # p1, p2, p3, p4, p7
    p1, p2, p3, p4, p7 = rows
    assert p1 == {
        "email": sha(
            "émile.dupont@exämple.com"
        ),  # trimmed, zero-width space removed, lower-cased, UTF-8 kept
        "phone": sha("447700900123"),  # national UK number read with the contact's country GB
        "madid": "",
        "fn": sha("émilie"),
        "ln": sha("dupontmoreau"),  # punctuation removed
        "zip": sha("ne14st"),  # lower-case, no spaces
        "ct": sha("newcastleupontyne"),
        "st": "",
        "country": sha("gb"),
    }
    assert p2["phone"] == sha("4915123456789")  # DE mobile 0151 ...: trunk 0 dropped, 49 added
    assert p2["fn"] == sha("maxpeter") and p2["ln"] == sha("müller") and p2["country"] == sha("de")
    assert p3["phone"] == sha("442079460958")  # '00 44' international prefix, extension dropped
    assert p3["fn"] == ""  # a formula is not a name
    assert p3["ln"] == sha("smithjriii")
    assert p3["ct"] == ""  # 'null' placeholder
    assert p3["st"] == sha("ny") and p3["zip"] == sha("02134") and p3["country"] == sha("us")
    assert p4["email"] == sha("short@example.com") and p4["phone"] == ""  # too short: left empty, row kept
    assert p7["email"] == HASHED_EMAIL and p7["phone"] == sha("14155550199")  # a digest is never hashed again
    counts = result.manifest["counts"]
    assert counts["skipped"] == {"missing_email_phone_and_madid": 1, "unusable_email_phone_and_madid": 1}
    assert counts["values_dropped"] == {
        "city_placeholder": 1,
        "first_name_formula_like": 1,
        "phone_not_e164": 1,
    }
    assert "values left empty in written rows: city_placeholder 1" in result.summary()


def test_google_ads_normalises_messy_contacts(messy, tmp_path):
    result = export(messy, tmp_path / "out", "google_ads")
    _, rows = read_csv(file_of(result, "full"))
    assert rows[0] == {
        "Email": sha("émile.dupont@exämple.com"),
        "Phone": sha("+447700900123"),  # E.164 with '+', then hashed
        "First Name": sha("émilie"),  # lower-case and trimmed; accents kept
        "Last Name": sha("dupont-moreau"),  # Google does not remove punctuation
        "Country": "GB",
        "Zip": "NE1 4ST",  # not hashed
    }
    assert rows[1]["First Name"] == sha("max peter")  # extra spaces in between removed
    assert rows[1]["Phone"] == sha("+4915123456789") and rows[1]["Zip"] == "10115"
    # p3 has no usable first name: a partial address is not sent
    assert rows[2] == {
        "Email": sha("ann@example.com"), "Phone": sha("+442079460958"), "First Name": "", "Last Name": "",
        "Country": "", "Zip": "",
    }  # fmt: skip
    assert result.manifest["counts"]["skipped"] == {
        "missing_email_phone_and_address": 1,
        "unusable_email_phone_and_address": 1,
    }


def test_klaviyo_file_bytes_quote_commas_quotes_and_newlines(messy, tmp_path):
    result = export(messy, tmp_path / "out", "klaviyo")
    raw = file_of(result, "full").read_bytes()
    assert raw.decode("utf-8") == (
        "Email Address,Phone Number,First Name,Last Name,City,Region,Zip Code,Country\n"
        "émile.dupont@exämple.com,+447700900123,Émilie,Dupont-Moreau,Newcastle upon Tyne,,NE1 4ST,GB\n"
        "max@example.de,+4915123456789,Max  Peter,Müller,Berlin,,10115,DE\n"
        'ann@example.com,+442079460958,,"Smith, ""Jr"" III",,New York,02134,US\n'
        "short@example.com,,Bo,,,,,US\n"
    )
    assert result.manifest["counts"]["skipped"] == {"missing_email": 1, "unusable_email": 2}


def test_mailchimp_rejects_non_ascii_local_parts_and_international_zips(messy, tmp_path):
    result = export(messy, tmp_path / "out", "mailchimp")
    _, rows = read_csv(file_of(result, "full"))
    assert [r["Email Address"] for r in rows] == ["max@example.de", "ann@example.com", "short@example.com"]
    assert [r["Zip Code"] for r in rows] == ["", "02134", ""]  # a zip field takes five US digits only
    assert [r["Country"] for r in rows] == ["DE", "US", "US"]
    assert result.manifest["counts"]["skipped"] == {"missing_email": 1, "unusable_email": 3}


def test_a_value_that_is_not_utf8_is_dropped_not_a_crash():
    destination = runner.DESTINATIONS["klaviyo"]
    contacts = [dict(contact("p1", email="a@example.com", first_name="Bo\udcff", city="Paris"), country="FR")]
    built = runner._build_audience_rows(
        destination, "vip", contacts, runner.Blocklist(set(), set(), set()), False
    )
    ((_, row),) = built.records.values()
    assert row["First Name"] is None and row["City"] == "Paris"
    assert built.dropped == Counter({"first_name_not_utf8": 1})


def test_a_national_phone_identity_could_not_read_is_taken_as_sent_in_the_contacts_country(tmp_path):
    # identity resolution reads national numbers in its default country (US): '07700 900123' becomes
    # '+07700900123', which is no E.164; the exporter falls back to the phone as sent, read in GB
    contacts = [
        contact("p1", email="uk@example.com", phone="+07700900123", phone_given="07700 900123", country="GB"),
        contact(
            "p2", email="us@example.com", phone="+14155550101", phone_given="(415) 555-0101 x9", country="GB"
        ),
    ]
    warehouse = write_warehouse(tmp_path / "w.duckdb", contacts, {"vip": ["p1", "p2"]})
    _, rows = read_csv(file_of(export(warehouse, tmp_path / "out", "meta"), "full"))
    assert [r["phone"] for r in rows] == [sha("447700900123"), sha("14155550101")]  # a valid primary wins
    _, rows = read_csv(file_of(export(warehouse, tmp_path / "out", "klaviyo"), "full"))
    assert [r["Phone Number"] for r in rows] == ["+447700900123", "+14155550101"]


def test_google_ads_exports_a_contact_matched_by_its_full_address_alone(tmp_path):
    contacts = [
        contact("p1", first_name="Ana", last_name="Lima", country="Brasil", zip="01310-100"),
        contact("p2", first_name="Ana", last_name="Lima", country="Brasil"),  # no zip: no address match
    ]
    warehouse = write_warehouse(tmp_path / "w.duckdb", contacts, {"vip": ["p1", "p2"]})
    result = export(warehouse, tmp_path / "out", "google_ads")
    _, rows = read_csv(file_of(result, "full"))
    assert rows == [
        {
            "Email": "",
            "Phone": "",
            "First Name": sha("ana"),
            "Last Name": sha("lima"),
            "Country": "BR",
            "Zip": "01310-100",
        }
    ]
    assert result.manifest["counts"]["skipped"] == {"unusable_email_phone_and_address": 1}
