"""Value normalisation and hashing for export files, one function per rule the platforms publish.

Every function takes a raw value (or None) and returns the normalised text, or None when nothing
usable is left. Hashing is SHA-256 of the UTF-8 bytes, lower-case hex; a value that already is a
64-hex digest is kept (lower-cased), never hashed twice.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
E164_RE = re.compile(r"^\+[1-9][0-9]{7,14}$")
ISO2_RE = re.compile(r"^[A-Z]{2}$")
# ISO 3166-1 alpha-2 codes (officially assigned, 249).
ISO2_CODES = frozenset(
    (
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY "
        "BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK "
        "FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR "
        "IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK "
        "ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
        "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF "
        "TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW "
    ).split()
)

# Calling code, national trunk prefix, national number length, shortest accepted national number:
# the same table as macros/identity/cdp_identity_sql.sql (cdp_identity_phone_countries).
PHONE_COUNTRIES: dict[str, tuple[str, str, int, int]] = {
    "US": ("1", "1", 10, 10),
    "CA": ("1", "1", 10, 10),
    "GB": ("44", "0", 10, 8),
    "IE": ("353", "0", 9, 7),
    "DE": ("49", "0", 11, 9),
    "FR": ("33", "0", 9, 7),
    "NL": ("31", "0", 9, 7),
    "BE": ("32", "0", 9, 7),
    "ES": ("34", "", 9, 7),
    "PT": ("351", "", 9, 7),
    "IT": ("39", "", 10, 8),
    "BR": ("55", "0", 11, 9),
    "MX": ("52", "", 10, 8),
    "IN": ("91", "0", 10, 8),
    "AU": ("61", "0", 9, 7),
    "JP": ("81", "0", 10, 8),
}

# Country names and ISO-3 codes people send instead of ISO-2 (the same table as cdp_country_names() in macros/identity/cdp_country.sql).
COUNTRY_NAMES: dict[str, str] = {
    "UNITED STATES": "US", "UNITED STATES OF AMERICA": "US", "USA": "US", "U.S.": "US", "U.S.A.": "US",
    "AMERICA": "US", "UNITED KINGDOM": "GB", "UK": "GB", "U.K.": "GB", "GREAT BRITAIN": "GB", "GBR": "GB",
    "ENGLAND": "GB", "SCOTLAND": "GB", "WALES": "GB", "NORTHERN IRELAND": "GB", "CANADA": "CA", "CAN": "CA",
    "GERMANY": "DE", "DEUTSCHLAND": "DE", "DEU": "DE", "FRANCE": "FR", "FRA": "FR", "SPAIN": "ES",
    "ESPAÑA": "ES", "ESPANA": "ES", "ESP": "ES", "INDIA": "IN", "IND": "IN", "ITALY": "IT", "ITALIA": "IT",
    "ITA": "IT", "NETHERLANDS": "NL", "THE NETHERLANDS": "NL", "HOLLAND": "NL", "NLD": "NL",
    "IRELAND": "IE", "IRL": "IE", "BELGIUM": "BE", "BEL": "BE", "PORTUGAL": "PT", "PRT": "PT",
    "AUSTRALIA": "AU", "AUS": "AU", "BRAZIL": "BR", "BRASIL": "BR", "BRA": "BR", "MEXICO": "MX",
    "MÉXICO": "MX", "MEX": "MX", "JAPAN": "JP", "JPN": "JP", "VIETNAM": "VN", "VIET NAM": "VN", "VNM": "VN",
}  # fmt: skip

# US states and DC: Meta asks for the 2-letter ANSI abbreviation, lower-case.
US_STATES: dict[str, str] = {
    "alabama": "al", "alaska": "ak", "arizona": "az", "arkansas": "ar", "california": "ca", "colorado": "co",
    "connecticut": "ct", "delaware": "de", "district of columbia": "dc", "florida": "fl", "georgia": "ga",
    "hawaii": "hi", "idaho": "id", "illinois": "il", "indiana": "in", "iowa": "ia", "kansas": "ks",
    "kentucky": "ky", "louisiana": "la", "maine": "me", "maryland": "md", "massachusetts": "ma",
    "michigan": "mi", "minnesota": "mn", "mississippi": "ms", "missouri": "mo", "montana": "mt",
    "nebraska": "ne", "nevada": "nv", "new hampshire": "nh", "new jersey": "nj", "new mexico": "nm",
    "new york": "ny", "north carolina": "nc", "north dakota": "nd", "ohio": "oh", "oklahoma": "ok",
    "oregon": "or", "pennsylvania": "pa", "rhode island": "ri", "south carolina": "sc", "south dakota": "sd",
    "tennessee": "tn", "texas": "tx", "utah": "ut", "vermont": "vt", "virginia": "va", "washington": "wa",
    "west virginia": "wv", "wisconsin": "wi", "wyoming": "wy",
}  # fmt: skip


# zero-width and byte-order-mark characters that copy-paste leaves in CRM exports
INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]+")


def clean(value: object) -> str | None:
    """Text in Unicode NFC, trimmed of whitespace of any kind, invisible characters removed and control
    characters (newlines, tabs) turned into one space; None for None and empty."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", INVISIBLE_RE.sub("", str(value)))
    text = CONTROL_RE.sub(" ", text).strip()
    return text or None


def is_sha256(value: object) -> bool:
    text = clean(value)
    return text is not None and SHA256_RE.match(text.lower()) is not None


def sha256_hex(value: str | None) -> str | None:
    """SHA-256 hex of the UTF-8 bytes; an existing 64-hex digest is returned lower-cased, unhashed."""
    if value is None or value == "":
        return None
    if SHA256_RE.match(value.strip().lower()):
        return value.strip().lower()
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


_EMAIL_CHAR = r"[^@\s,;:<>()\[\]\"\\]"
_EMAIL_LABEL = r"[^@\s,;:<>()\[\]\"\\.]+"
EMAIL_RE = re.compile(rf"^{_EMAIL_CHAR}+@(?:{_EMAIL_LABEL}\.)+{_EMAIL_LABEL}$")


def email(value: object, *, plain: bool = False) -> str | None:
    """Trimmed and lower-cased; None unless it looks like an address (or already is a digest, unless `plain`).

    'mailto:' and a display name around '<address>' are taken off; commas, quotes, brackets, empty or
    trailing domain labels make it no address.
    """
    text = clean(value)
    if text is None:
        return None
    text = text.lower()
    if SHA256_RE.match(text):
        return None if plain else text
    bracketed = re.fullmatch(r"[^<>]*<([^<>]+)>\s*", text)
    if bracketed:
        text = bracketed.group(1).strip()
    text = re.sub(r"^mailto:", "", text)
    return text if EMAIL_RE.match(text) else None


EXTENSION_RE = re.compile(r"\s*(?:;\s*ext\s*=|#|ext(?:ension)?\.?|x)\s*[0-9]{1,6}\s*$")
# calling code -> (national trunk prefix, shortest and longest national number), from PHONE_COUNTRIES
CALLING_CODES: dict[str, tuple[str, int, int]] = {
    code: (trunk, shortest, national) for code, trunk, national, shortest in PHONE_COUNTRIES.values()
}


def _national_part_ok(e164_digits: str) -> bool:
    """For a calling code we know: the national part is of a possible length (US/CA exactly 10 digits)."""
    for length in (1, 2, 3):
        code = e164_digits[:length]
        if code in CALLING_CODES:
            _, shortest, longest = CALLING_CODES[code]
            return shortest <= len(e164_digits) - length <= longest
    return True


def _drop_trunk_after_code(e164_digits: str) -> str:
    """'+49 0151 ...' / '+44 (0)20 ...': the national trunk 0 is not dialled after the country code."""
    for length in (1, 2, 3):
        code = e164_digits[:length]
        if code in CALLING_CODES:
            trunk = CALLING_CODES[code][0]
            if trunk == "0" and e164_digits[length : length + 1] == "0":
                return code + e164_digits[length + 1 :]
            return e164_digits
    return e164_digits


def phone_e164(value: object, default_country: str | None = "US", *, plain: bool = False) -> str | None:
    """Phone to E.164 ('+' and 8-15 digits) like cdp_identity_normalize_phone; None when it cannot be.

    International forms ('+44 ...', '00 44 ...', '011 44 ...' from the US/CA) keep their country code, a
    trunk 0 after it is dropped; national forms ('07700 900123', '(415) 555-2671') take the calling code
    of `default_country` (the contact's ISO-2 country; a country without a calling-code entry gives None
    for a national number). Extensions ('x12', 'ext. 12', '#12') are dropped; a number too short or too
    long for its country gives None. An existing SHA-256 digest is kept (lower-cased), or None when
    `plain` text is required.
    """
    text = clean(value)
    if text is None:
        return None
    if SHA256_RE.match(text.lower()):
        return None if plain else text.lower()
    lowered = EXTENSION_RE.sub("", text.lower())
    digits = re.sub(r"[^0-9]", "", lowered.replace("(0)", ""))
    country = (default_country or "").upper()
    if re.match(r"^(?:tel:)?\s*\+", lowered):
        e164 = digits
    elif digits.startswith("00"):
        e164 = digits[2:]
    elif country in ("US", "CA") and digits.startswith("011"):
        e164 = digits[3:]
    elif country in PHONE_COUNTRIES:
        code, trunk, national, shortest = PHONE_COUNTRIES[country]
        if trunk and digits.startswith(trunk) and shortest <= len(digits) - len(trunk) <= national:
            e164 = code + digits[len(trunk) :]
        elif shortest <= len(digits) <= national:
            e164 = code + digits
        elif len(digits) > national:
            e164 = digits  # given with its country code but without '+'
        else:
            return None
    else:
        return None
    e164 = _drop_trunk_after_code(e164)
    result = "+" + e164
    return result if E164_RE.match(result) and _national_part_ok(e164) else None


def phone_digits(value: object, default_country: str | None = "US") -> str | None:
    """Meta's phone: E.164 without the '+' (digits only, with country code, no leading zeros)."""
    e164 = phone_e164(value, default_country)
    if e164 is None or SHA256_RE.match(e164):
        return e164
    return e164[1:]


def country_iso2(value: object) -> str | None:
    """ISO 3166-1 alpha-2, upper-case: 'United Kingdom', 'UK', 'U.K', 'gbr' -> 'GB'; None when unknown."""
    text = clean(value)
    if text is None:
        return None
    text = re.sub(r"\s+", " ", text.upper())
    for key in (text, text.replace(".", "").strip(), re.sub(r"^THE ", "", text)):
        if key in COUNTRY_NAMES:
            return COUNTRY_NAMES[key]
    return text if text in ISO2_CODES else None


def lower_trim(value: object) -> str | None:
    text = clean(value)
    return text.lower() if text else None


def lower_single_spaced(value: object) -> str | None:
    """Google's names: lower-case, trimmed, runs of spaces inside made one; punctuation and accents kept."""
    text = lower_trim(value)
    return re.sub(r"\s+", " ", text) if text else None


def letters_only(value: object, *, keep_spaces: bool = False) -> str | None:
    """Lower-case, punctuation and (unless kept) spaces removed; letters of any script stay (UTF-8)."""
    text = lower_trim(value)
    if text is None:
        return None
    kept = "".join(
        ch for ch in unicodedata.normalize("NFC", text)
        if ch.isalnum() or (keep_spaces and ch == " ")
    )  # fmt: skip
    return re.sub(r" +", " ", kept).strip() or None


def us_state(value: object) -> str | None:
    """A US state as its 2-letter code, lower-case ('New York' -> 'ny'); other regions letters_only."""
    text = lower_trim(value)
    if text is None:
        return None
    if text in US_STATES:
        return US_STATES[text]
    return letters_only(text)


US_ZIP_RE = re.compile(r"^([0-9]{4,5})(?:[\s-]?[0-9]{4})?$")


def zip_code(value: object, country: str | None, *, meta: bool = False) -> str | None:
    """US: 5 digits (ZIP+4 cut; a zip that lost its leading zeros in a spreadsheet, '2134', padded back to
    '02134'); None when it is not a US zip. Elsewhere as given, trimmed; Meta: lower-case, no spaces or dashes."""
    text = clean(value)
    if text is None:
        return None
    if country == "US":
        match = US_ZIP_RE.match(text)
        return match.group(1).zfill(5) if match else None
    if meta:
        return re.sub(r"[\s-]", "", text.lower()) or None
    return text


def truncate_bytes(value: str | None, limit: int) -> str | None:
    """At most `limit` UTF-8 bytes, cut on a character boundary (Mailchimp: 255 per text field)."""
    if value is None:
        return None
    data = value.encode("utf-8")
    if len(data) <= limit:
        return value
    return data[:limit].decode("utf-8", errors="ignore")
