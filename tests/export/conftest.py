from __future__ import annotations

import hashlib

import pytest

from tests.export.warehouse import contact, write_warehouse


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


JANE_HASH = sha("jane@example.com")


def base_contacts() -> list[dict]:
    return [
        contact(
            "prf_a", email="  John.Doe@Example.COM ", phone="(415) 555-2671", first_name=" John ",
            last_name="O'Neil", city="San Francisco", state="California", zip="94105-1234",
            country="United States", advertising_id="AB12-CD34",
        ),
        contact(
            "prf_b", email=JANE_HASH.upper(), phone="+44 20 7946 0958", first_name="Zoë", last_name='Smith, "Jr"',
            city="London", zip="SW1A 1AA", country="UK",
        ),
        contact("prf_c", phone="+49 30 1234567", first_name="Max", last_name="Muster", country="DE"),
        contact("prf_d", email="nocon@example.com", consent_marketing=False, consent_advertising=False),
        contact("prf_e", email="gone@example.com", phone="+14155550000", is_suppressed=True),
        contact("prf_f", email="QA@shop.example"),
        contact("prf_g", email="outsider@example.com"),
    ]  # fmt: skip


MEMBERS = {"vip": ["prf_a", "prf_b", "prf_c", "prf_d", "prf_e", "prf_f"]}
SUPPRESSED = {"prf_e": [("email", "gone@example.com"), ("phone", "+14155550000")]}
EXCLUSIONS = [("email", " qa@SHOP.example", "internal QA")]


@pytest.fixture
def warehouse(tmp_path):
    return write_warehouse(
        tmp_path / "export.duckdb", base_contacts(), MEMBERS, suppressed=SUPPRESSED, exclusions=EXCLUSIONS
    )
