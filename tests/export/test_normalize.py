"""The normalisation rules, value by value (the same rules as the identity macros for email and phone)."""

from __future__ import annotations

import hashlib

import pytest

from cdp.export import normalize as nz
from cdp.export.runner import Progress


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(415) 555-2671", "+14155552671"),
        ("415.555.2671", "+14155552671"),
        ("1-415-555-2671", "+14155552671"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
        ("+44 (0)20 7946 0958", "+442079460958"),
        ("(415) 555-2671 ext. 12", "+14155552671"),
        ("555-2671", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_e164(raw, expected):
    assert nz.phone_e164(raw) == expected


def test_phone_with_another_default_country():
    assert nz.phone_e164("020 7946 0958", "GB") == "+442079460958"
    assert nz.phone_digits("(415) 555-2671") == "14155552671"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("United Kingdom", "GB"), ("UK", "GB"), ("gbr", "GB"), (" us ", "US"), ("Deutschland", "DE"), ("XX", None),
     ("Narnia", None), (None, None)],
)  # fmt: skip
def test_country_iso2(raw, expected):
    assert nz.country_iso2(raw) == expected


def test_email_and_hashes():
    assert nz.email("  John.Doe@Example.COM ") == "john.doe@example.com"
    assert nz.email("not an address") is None
    digest = hashlib.sha256(b"john.doe@example.com").hexdigest()
    assert nz.sha256_hex("john.doe@example.com") == digest
    assert nz.sha256_hex(digest) == digest  # never hashed twice
    assert nz.sha256_hex(digest.upper()) == digest
    assert nz.email(digest.upper()) == digest and nz.email(digest, plain=True) is None
    assert nz.sha256_hex(None) is None and nz.sha256_hex("") is None


def test_zip_names_states():
    assert nz.zip_code("94105-1234", "US") == "94105"
    assert nz.zip_code("941", "US") is None
    assert nz.zip_code("SW1A 1AA", "GB") == "SW1A 1AA"
    assert nz.zip_code("SW1A 1AA", "GB", meta=True) == "sw1a1aa"
    assert nz.letters_only("  Mary-Ann O'Brien ") == "maryannobrien"
    assert nz.letters_only("São Paulo") == "sãopaulo"
    assert nz.us_state("New York") == "ny" and nz.us_state("NY") == "ny"
    assert nz.truncate_bytes("é" * 200, 255) == "é" * 127


def test_progress_counts_on_stderr(capsys):
    meter = Progress("vip -> meta: built", 20, enabled=True)
    for n in range(1, 21):
        meter.update(n)
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == "cdp export: vip -> meta: built 2/20 rows"
    assert lines[-1] == "cdp export: vip -> meta: built 20/20 rows" and len(lines) == 10


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("07700 900123", "GB", "+447700900123"),  # UK mobile, national format with trunk 0
        ("07700900123", "US", None),  # the same digits read as a US number: 11 digits, no trunk 1
        ("0151 23456789", "DE", "+4915123456789"),
        ("01512345678", "DE", "+491512345678"),  # trunk 0 + 10 digits (was kept as +4901512345678)
        ("+49 0151 2345678", "DE", "+491512345678"),  # trunk 0 after the country code dropped
        ("+44 (0)20 7946 0958", "US", "+442079460958"),
        ("00 44 7700 900123", "US", "+447700900123"),  # international prefix 00
        ("011 44 7700 900123", "US", "+447700900123"),  # North American international prefix 011
        ("+1 (415) 555-0101", "GB", "+14155550101"),  # international form wins over the contact's country
        ("415-555-0101 #22", "US", "+14155550101"),  # extension after '#' (was +415555010122)
        ("(415) 555-2671;ext=9", "US", "+14155552671"),
        ("+1 415 555 0101 extension 22", "US", "+14155550101"),
        ("+39 06 1234 5678", "IT", "+390612345678"),  # Italy keeps its leading 0
        ("+1 415 555 01012", "US", None),  # 11 national digits: too long for NANP
        ("+44 20 79", "GB", None),  # too short
        ("+1234567890123456", "US", None),  # over 15 digits
        ("07700 900123", "ZA", None),  # a national number of a country without calling-code rules
        ("+27 82 123 4567", "ZA", "+27821234567"),
        ("07700 900123", None, None),
    ],
)
def test_phone_e164_by_country(raw, country, expected):
    assert nz.phone_e164(raw, country) == expected


def test_clean_email_country_zip_edge_cases():
    assert nz.email("\u00a0Émile@Exämple.COM\u200b") == "émile@exämple.com"  # NBSP, zero-width space
    assert nz.email("a b@example.com") is None and nz.email("x@y") is None
    assert nz.clean("Smith\r\nJr\t") == "Smith Jr"  # control characters never split a CSV record
    assert nz.lower_trim("Zoe\u0308") == "zoë"  # decomposed accents are composed (NFC) before hashing
    assert nz.lower_single_spaced("  Mary   Ann ") == "mary ann"
    assert [nz.country_iso2(v) for v in ("U.S.A", "the Netherlands", "united  kingdom", "Great Britain")] == [
        "US", "NL", "GB", "GB",
    ]  # fmt: skip
    assert [nz.zip_code(v, "US") for v in ("2134", "2134-1234", "941051234", "94105 1234", "941", "ABC")] == [
        "02134", "02134", "94105", "94105", None, None,
    ]  # fmt: skip
    digest = hashlib.sha256(b"x@example.com").hexdigest()
    assert nz.sha256_hex(" " + digest.upper() + " ") == digest and nz.sha256_hex("g" * 64) != "g" * 64


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("John Doe <John@X.com>", "john@x.com"),  # display name taken off
        ("mailto:A@B.co", "a@b.co"),
        ("a.b+tag@Sub.Example.co.uk", "a.b+tag@sub.example.co.uk"),
        ("john,doe@x.com", None),  # a comma is no address (and would be a second CSV field elsewhere)
        ('"a"@x.com', None),
        ("a@x..com", None),
        ("a@x.com.", None),
        ("a b@c.com", None),
    ],
)
def test_email_shapes(raw, expected):
    assert nz.email(raw) == expected
