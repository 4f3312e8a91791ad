"""Shared building blocks of the sample world: the fixed period, hashing, ids and timestamps.

Everything here is a pure function of its arguments (no wall clock, no process-salted hashing),
which is what makes two runs with the same seed byte-identical.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

# ---------------------------------------------------------------------------------------------
# The period: 90 days ending Cyber Monday 2026-11-30 (Black Friday is 2026-11-27).
# ---------------------------------------------------------------------------------------------
PERIOD_START_ISO = "2026-09-02T00:00:00Z"
PERIOD_END_ISO = "2026-12-01T00:00:00Z"  # exclusive
PERIOD_DAYS = 90
DAY_SEC = 86_400
PERIOD_SEC = PERIOD_DAYS * DAY_SEC
START_MS = 1_788_307_200_000  # 2026-09-02T00:00:00Z
END_MS = START_MS + PERIOD_SEC * 1000
SEC_MS = 1000
MIN_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000

_EPOCH = datetime(1970, 1, 1)

# Source folders this generator owns under landing/segment/.
SOURCES = ("web", "ios", "android", "server", "pos", "email", "marketplace")
CLIENT_SOURCES = frozenset({"web", "ios", "android"})

# Quarantine reason codes for deliberately malformed lines (the warehouse uses the same codes).
MALFORMED_REASONS = (
    "invalid_json",
    "missing_type",
    "unknown_type",
    "missing_message_id",
    "missing_identity",
    "unparseable_timestamp",
    "non_numeric_amount",
    "non_numeric_price",
)

# Non-canonical spellings used by some clients, and the Segment ecommerce v2 name they mean.
EVENT_NAME_VARIANTS = {
    "order_completed": "Order Completed",
    "Order completed": "Order Completed",
    "Completed Order": "Order Completed",
    "product viewed": "Product Viewed",
    "Viewed Product": "Product Viewed",
    "Added Product": "Product Added",
    "productAdded": "Product Added",
}

# Identifier values that are junk, not people (never written to the ground truth).
JUNK_USER_IDS = ("null", "undefined", "none", "anonymous", "0", "-1", "", "[object Object]", None)
JUNK_EMAILS = ("test@test.com", "none", "null", "undefined", "", "[object Object]")
ZERO_AD_ID = "00000000-0000-0000-0000-000000000000"

JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""Encoder for landed lines: compact UTF-8, keys in insertion order (the same as to_json_line)."""


# ---------------------------------------------------------------------------------------------
# Hashing and ids
# ---------------------------------------------------------------------------------------------
def _digest(parts: tuple[int, ...], size: int) -> bytes:
    return hashlib.blake2b(str(parts).encode(), digest_size=size).digest()


def mix(*parts: int) -> int:
    """A 64-bit hash of integers, stable across processes and platforms."""
    return int.from_bytes(_digest(parts, 8), "little")


def unit(*parts: int) -> float:
    """A deterministic number in [0, 1) from integers."""
    return (int.from_bytes(_digest(parts, 8), "little") >> 11) / 9007199254740992.0


def _uuid_text(h: str) -> str:
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


def uuid_from(*parts: int, upper: bool = False) -> str:
    """A version-4-shaped UUID string derived from integers."""
    s = _uuid_text(_digest(parts, 16).hex())
    return s.upper() if upper else s


def message_uuid(seed: int, counter: int) -> str:
    """messageId for the counter-th message of a world: a digest of seed and counter."""
    return _uuid_text(hashlib.blake2b(f"cdp-sample:{seed}:{counter}".encode(), digest_size=16).hexdigest())


def hex_id(n_chars: int, *parts: int) -> str:
    """A lower-case hex string of n_chars (at most 32) derived from integers."""
    return _digest(parts, 16).hex()[:n_chars]


def cents_to_amount(cents: int) -> float:
    """Integer cents as a 2-decimal JSON number (the float's repr is the exact decimal)."""
    return round(cents / 100, 2)


def permute(index: int, modulus: int, multiplier: int = 7919, offset: int = 13) -> int:
    """A bijection of [0, modulus) (multiplier must be coprime with modulus): unique, unordered numbers."""
    return (index * multiplier + offset) % modulus


# ---------------------------------------------------------------------------------------------
# Time zones: fixed offsets and the 2026 autumn DST ends, so output never depends on tzdata.
# ---------------------------------------------------------------------------------------------
# name: (summer offset minutes, winter offset minutes, UTC ms when summer time ends)
TIMEZONES: dict[str, tuple[int, int, int]] = {
    "America/New_York": (-240, -300, START_MS + (60 * DAY_SEC + 6 * 3600) * 1000),
    "America/Toronto": (-240, -300, START_MS + (60 * DAY_SEC + 6 * 3600) * 1000),
    "America/Chicago": (-300, -360, START_MS + (60 * DAY_SEC + 7 * 3600) * 1000),
    "America/Denver": (-360, -420, START_MS + (60 * DAY_SEC + 8 * 3600) * 1000),
    "America/Los_Angeles": (-420, -480, START_MS + (60 * DAY_SEC + 9 * 3600) * 1000),
    "Europe/London": (60, 0, START_MS + (53 * DAY_SEC + 1 * 3600) * 1000),
    "Europe/Berlin": (120, 60, START_MS + (53 * DAY_SEC + 1 * 3600) * 1000),
    "Europe/Paris": (120, 60, START_MS + (53 * DAY_SEC + 1 * 3600) * 1000),
    "Europe/Madrid": (120, 60, START_MS + (53 * DAY_SEC + 1 * 3600) * 1000),
    "Asia/Kolkata": (330, 330, 0),
}


def utc_offset_minutes(tz: str, ms: int) -> int:
    """UTC offset of a zone at an instant (valid for September 2026 to March 2027)."""
    summer, winter, summer_ends = TIMEZONES[tz]
    return summer if ms < summer_ends else winter


class Clock:
    """Formats epoch milliseconds as ISO-8601 strings, fast (caches the text up to the minute)."""

    def __init__(self) -> None:
        self._minutes: dict[int, str] = {}
        self._days: dict[int, str] = {}

    def _minute_prefix(self, minute_no: int) -> str:
        if len(self._minutes) > 20_000:
            self._minutes.clear()
        day, minute = divmod(minute_no, 1440)
        date = self._days.get(day)
        if date is None:
            date = self._days[day] = (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%dT")
        prefix = self._minutes[minute_no] = f"{date}{minute // 60:02d}:{minute % 60:02d}:"
        return prefix

    def iso(self, ms: int, offset_min: int | None = None, millis: bool = True) -> str:
        """`2026-09-02T10:00:00.123Z`, or with `offset_min` the same instant as local time plus offset."""
        minute_no, rem = divmod(ms if offset_min is None else ms + offset_min * MIN_MS, MIN_MS)
        prefix = self._minutes.get(minute_no) or self._minute_prefix(minute_no)
        second, milli = divmod(rem, 1000)
        body = f"{prefix}{second:02d}.{milli:03d}" if millis else f"{prefix}{second:02d}"
        if offset_min is None:
            return body + "Z"
        a = abs(offset_min)
        return f"{body}{'+' if offset_min >= 0 else '-'}{a // 60:02d}:{a % 60:02d}"

    def iso_seconds(self, ms: int) -> str:
        """`2026-09-02T10:00:00Z` (second precision)."""
        return self.iso(ms, None, millis=False)


def iso_date_of_day(day: int) -> str:
    """ISO date of a day index counted from the period start."""
    return (_EPOCH + timedelta(milliseconds=START_MS + day * DAY_MS)).strftime("%Y-%m-%d")
