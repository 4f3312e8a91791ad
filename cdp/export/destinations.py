"""The destinations' upload formats: header names and order, normalisation, hashing, consent, keys.

Sources of each rule are in docs/exports.md. A destination turns one contact (a row of
marts.profile_contacts) into one output row (header -> text or None).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from cdp.export import normalize as nz

Contact = dict[str, object]
Row = dict[str, str | None]


@dataclass(frozen=True)
class Destination:
    name: str
    label: str
    headers: tuple[str, ...]
    build: Callable[[Contact, str], Row]
    required_consent: str | None  # 'marketing' | 'advertising' | None
    key_headers: tuple[str, ...]  # a row needs at least one of these, else it is skipped
    missing_key_reason: str
    hashed: tuple[str, ...] = ()  # headers holding SHA-256 hex digests
    e164: tuple[str, ...] = ()  # headers holding plain E.164 phones
    iso2: tuple[str, ...] = ()  # headers holding plain upper-case ISO-2 countries
    unique_header: str | None = None  # not null and unique in every file
    identifier_headers: tuple[str, ...] = ()  # checked against the privacy and exclusion lists once written
    us_zip: tuple[str, str] | None = None  # (zip header, country header): US zips are 5 digits
    max_bytes: int | None = None  # per text field
    max_file_bytes: int | None = None  # the platform's import file limit (a warning when over)
    diff_style: str = "add_remove"  # add_remove | upsert_remove | action_column
    remove_headers: tuple[str, ...] | None = None  # columns of the removal file (None: all)
    match_header: str | None = None  # upsert destinations: the platform's record key
    file_format: str = "csv"
    min_size: int = 0
    min_size_note: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def phone_country(contact: Contact) -> str:
    """The country a national phone number is read in: the contact's country, else US (as identity does)."""
    return nz.country_iso2(contact.get("country")) or "US"


def _meta(contact: Contact, audience: str) -> Row:
    country = nz.country_iso2(contact.get("country"))
    state = contact.get("state")
    return {
        "email": nz.sha256_hex(nz.email(contact.get("email"))),
        "phone": nz.sha256_hex(nz.phone_digits(contact.get("phone"), phone_country(contact))),
        "madid": nz.lower_trim(contact.get("advertising_id")),
        "fn": nz.sha256_hex(nz.letters_only(contact.get("first_name"))),
        "ln": nz.sha256_hex(nz.letters_only(contact.get("last_name"))),
        "zip": nz.sha256_hex(nz.zip_code(contact.get("zip"), country, meta=True)),
        "ct": nz.sha256_hex(nz.letters_only(contact.get("city"))),
        "st": nz.sha256_hex(nz.us_state(state) if country == "US" else nz.letters_only(state)),
        "country": nz.sha256_hex(country.lower() if country else None),
    }


def _google_ads(contact: Contact, audience: str) -> Row:
    country = nz.country_iso2(contact.get("country"))
    address = {
        "First Name": nz.sha256_hex(nz.lower_single_spaced(contact.get("first_name"))),
        "Last Name": nz.sha256_hex(nz.lower_single_spaced(contact.get("last_name"))),
        "Country": country,
        "Zip": nz.zip_code(contact.get("zip"), country),
    }
    if not all(address.values()):  # an address only matches with all four parts: send none of a partial one
        address = dict.fromkeys(address)
    return {
        "Email": nz.sha256_hex(nz.email(contact.get("email"))),
        "Phone": nz.sha256_hex(nz.phone_e164(contact.get("phone"), phone_country(contact))),
        **address,
    }


def _klaviyo(contact: Contact, audience: str) -> Row:
    country = nz.country_iso2(contact.get("country"))
    return {
        "Email Address": nz.email(contact.get("email"), plain=True),
        "Phone Number": nz.phone_e164(contact.get("phone"), phone_country(contact), plain=True),
        "First Name": nz.clean(contact.get("first_name")),
        "Last Name": nz.clean(contact.get("last_name")),
        "City": nz.clean(contact.get("city")),
        "Region": nz.clean(contact.get("state")),
        "Zip Code": nz.zip_code(contact.get("zip"), country),
        "Country": country,
    }


def _mailchimp(contact: Contact, audience: str) -> Row:
    country = nz.country_iso2(contact.get("country"))
    address = nz.email(contact.get("email"), plain=True)
    if address and not address.split("@", 1)[0].isascii():
        address = None  # Mailchimp takes international characters only after the @
    row = {
        "Email Address": address,
        "First Name": nz.clean(contact.get("first_name")),
        "Last Name": nz.clean(contact.get("last_name")),
        "Phone Number": nz.phone_e164(contact.get("phone"), phone_country(contact), plain=True),
        "City": nz.clean(contact.get("city")),
        "State": nz.clean(contact.get("state")),
        # a Mailchimp zip field holds five digits only: international postal codes are not supported
        "Zip Code": nz.zip_code(contact.get("zip"), country) if country == "US" else None,
        "Country": country,
        "Tags": nz.truncate_bytes(audience, 100),
    }
    return {header: nz.truncate_bytes(value, 255) for header, value in row.items()}


GENERIC_HEADERS = (
    "audience_key", "profile_id", "email", "phone", "first_name", "last_name", "city", "state", "zip",
    "country", "advertising_id", "consent_marketing", "consent_advertising",
)  # fmt: skip


def _generic(contact: Contact, audience: str) -> Row:
    def flag(value: object) -> str | None:
        return None if value is None else ("true" if value else "false")

    return {
        "audience_key": audience,
        "profile_id": nz.clean(contact.get("profile_id")),
        "email": nz.email(contact.get("email"), plain=True),
        "phone": nz.phone_e164(contact.get("phone"), phone_country(contact), plain=True),
        "first_name": nz.clean(contact.get("first_name")),
        "last_name": nz.clean(contact.get("last_name")),
        "city": nz.clean(contact.get("city")),
        "state": nz.clean(contact.get("state")),
        "zip": nz.clean(contact.get("zip")),
        "country": nz.country_iso2(contact.get("country")),
        "advertising_id": nz.lower_trim(contact.get("advertising_id")),
        "consent_marketing": flag(contact.get("consent_marketing")),
        "consent_advertising": flag(contact.get("consent_advertising")),
    }


DESTINATIONS: dict[str, Destination] = {
    "meta": Destination(
        name="meta",
        label="Meta custom audience (customer list)",
        headers=("email", "phone", "madid", "fn", "ln", "zip", "ct", "st", "country"),
        build=_meta,
        required_consent="advertising",
        key_headers=("email", "phone", "madid"),
        missing_key_reason="missing_email_phone_and_madid",
        hashed=("email", "phone", "fn", "ln", "zip", "ct", "st", "country"),
        identifier_headers=("email", "phone", "madid"),
        diff_style="add_remove",
        min_size=100,
        min_size_note="Meta discourages customer lists under 100 people (and needs 100 matched to deliver).",
    ),
    "google_ads": Destination(
        name="google_ads",
        label="Google Ads Customer Match (contact info)",
        headers=("Email", "Phone", "First Name", "Last Name", "Country", "Zip"),
        build=_google_ads,
        required_consent="advertising",
        # an address is sent complete or not at all, so a First Name means the whole address is there
        key_headers=("Email", "Phone", "First Name"),
        missing_key_reason="missing_email_phone_and_address",
        hashed=("Email", "Phone", "First Name", "Last Name"),
        identifier_headers=("Email", "Phone"),
        iso2=("Country",),
        us_zip=("Zip", "Country"),
        diff_style="add_remove",
        min_size=1000,
        min_size_note=(
            "Google serves a Customer Match list once it has enough active matched members (100 on all networks "
            "since late 2024; 1,000 for Search and YouTube before); with typical match rates of 30-70% a list "
            "needs about 1,000 uploaded rows."
        ),
    ),
    "klaviyo": Destination(
        name="klaviyo",
        label="Klaviyo list import",
        headers=(
            "Email Address",
            "Phone Number",
            "First Name",
            "Last Name",
            "City",
            "Region",
            "Zip Code",
            "Country",
        ),
        build=_klaviyo,
        required_consent="marketing",
        key_headers=("Email Address",),
        missing_key_reason="missing_email",
        e164=("Phone Number",),
        iso2=("Country",),
        unique_header="Email Address",
        identifier_headers=("Email Address", "Phone Number"),
        us_zip=("Zip Code", "Country"),
        diff_style="upsert_remove",
        remove_headers=("Email Address",),
        match_header="Email Address",
        max_file_bytes=50 * 1_048_576,  # Klaviyo list import: 50 MB
    ),
    "mailchimp": Destination(
        name="mailchimp",
        label="Mailchimp audience import",
        headers=(
            "Email Address",
            "First Name",
            "Last Name",
            "Phone Number",
            "City",
            "State",
            "Zip Code",
            "Country",
            "Tags",
        ),  # fmt: skip
        build=_mailchimp,
        required_consent="marketing",
        key_headers=("Email Address",),
        missing_key_reason="missing_email",
        e164=("Phone Number",),
        iso2=("Country",),
        unique_header="Email Address",
        identifier_headers=("Email Address", "Phone Number"),
        us_zip=("Zip Code", "Country"),
        max_bytes=255,
        diff_style="upsert_remove",
        remove_headers=("Email Address",),
        match_header="Email Address",
    ),
    "csv": Destination(
        name="csv",
        label="Generic CSV",
        headers=GENERIC_HEADERS,
        build=_generic,
        required_consent=None,
        key_headers=("profile_id",),
        missing_key_reason="missing_profile_id",
        e164=("phone",),
        iso2=("country",),
        unique_header="profile_id",
        identifier_headers=("profile_id", "email", "phone", "advertising_id"),
        diff_style="action_column",
    ),
    "parquet": Destination(
        name="parquet",
        label="Generic Parquet",
        headers=GENERIC_HEADERS,
        build=_generic,
        required_consent=None,
        key_headers=("profile_id",),
        missing_key_reason="missing_profile_id",
        e164=("phone",),
        iso2=("country",),
        unique_header="profile_id",
        identifier_headers=("profile_id", "email", "phone", "advertising_id"),
        diff_style="action_column",
        file_format="parquet",
    ),
}

ACTION_COLUMN = "_sync_action"


def get_destination(name: str) -> Destination:
    try:
        return DESTINATIONS[name]
    except KeyError:
        raise ValueError(f"unknown destination {name!r}; use one of {', '.join(DESTINATIONS)}") from None
