"""People, their devices and identifiers, and the plan of every session they will have.

Phase 1 of the generator. Persons are produced one *unit* at a time (a single person, or a
household of two who share a device) from a random stream seeded by the world seed and the
person's index, so any person can be rebuilt later from its index alone. Planning walks a
person's sessions in time order and settles everything that carries state from one session to
the next (sign-up, which devices are logged in, cookie resets, when the e-mail becomes known),
packing it into a compact session record. Phase 2 (`sessions.py`) turns each record into
messages without needing any other state, so the whole world can be emitted in time order with
bounded memory.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from itertools import accumulate

from cdp.generate._base import (
    DAY_MS,
    DAY_SEC,
    HOUR_MS,
    MIN_MS,
    PERIOD_DAYS,
    PERIOD_SEC,
    START_MS,
    ZERO_AD_ID,
    hex_id,
    mix,
    permute,
    unit,
    utc_offset_minutes,
    uuid_from,
)
from cdp.generate.catalog import CATEGORIES

# Random-stream domains (keep distinct so streams never overlap).
D_PERSON, D_PLAN, D_DEVICE, D_ANON, D_HEAD = 0x11, 0x12, 0x13, 0x14, 0x15
D_HOUSEHOLD, D_KIOSK, D_ESP, D_POS, D_MKT, D_SKEW = 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B

# Session kinds, device slots and outcomes packed into a session record.
K_WEB, K_EMAIL, K_POS, K_MARKET = 0, 1, 2, 3
DEV_HOUSEHOLD, DEV_KIOSK = 3, 4
BROWSE, ADD, CHECKOUT, ORDER = 0, 1, 2, 3

F_LOGGED_IN = 1 << 0  # device already carries the userId when the session starts
F_LOGIN = 1 << 1  # identify (log-in) during the session
F_SIGNUP = 1 << 2  # account created: alias + identify (client) + identify (server)
F_ALIAS_CHAIN = 1 << 3  # plus alias(previous anonymousId -> this anonymousId)
F_IDENTIFY_EMAIL = 1 << 4  # anonymous identify with the e-mail (newsletter or guest checkout)
F_IDENTIFY_JUNK = 1 << 5  # anonymous identify with a junk e-mail typed into the newsletter box
F_GROUP = 1 << 6  # B2B buyer: group call
F_CAMPAIGN = 1 << 7  # landing page carries utm parameters
F_OFFLINE = 1 << 8  # app was offline: the whole session is uploaded hours or days later
F_SERVER_ORDER = 1 << 9  # backend also sends Order Completed for the order
F_REFUND = 1 << 10  # backend later sends Order Refunded
F_CANCEL = 1 << 11  # backend later sends Order Cancelled
F_PARTNER = 1 << 12  # the person is a household partner (rebuilt from the head, index - 1)
F_USE_USER_ID = 1 << 13  # e-mail / POS message carries the userId
F_EMAIL_CLICK = 1 << 14  # Email Link Clicked after Email Opened
F_POS_LOYALTY = 1 << 15  # loyalty card presented at the till
F_POS_TRAITS = 1 << 16  # e-mail or phone given for the receipt
F_POS_JUNK = 1 << 17  # junk e-mail typed at the till
F_MKT_REAL_EMAIL = 1 << 18  # marketplace shared the buyer's real e-mail
F_SERVER_IDENTIFY = 1 << 19  # backend also sends identify with traits at log-in
IDENTIFIED = F_LOGGED_IN | F_LOGIN | F_SIGNUP

IDENTIFIER_TYPES = (
    "user_id", "anonymous_id", "email", "phone", "device_id", "advertising_id", "loyalty_id",
    "marketplace_customer_id",
)  # fmt: skip
_TYPE_ORDER = {t: i for i, t in enumerate(IDENTIFIER_TYPES)}


def pack_meta(kind: int, dev: int, epoch: int, outcome: int, aux: int, n: int) -> int:
    return kind | dev << 3 | epoch << 6 | outcome << 10 | aux << 12 | n << 20


def unpack_meta(meta: int) -> tuple[int, int, int, int, int, int]:
    """kind, device slot, anonymousId epoch, outcome, aux, number of core messages."""
    return (
        meta & 7,
        (meta >> 3) & 7,
        (meta >> 6) & 15,
        (meta >> 10) & 3,
        (meta >> 12) & 255,
        (meta >> 20) & 255,
    )


def planned_messages(kind: int, n: int, flags: int) -> int:
    """Exact number of messages phase 2 emits for a session record (before duplicates)."""
    if kind == K_WEB:
        count = n
        if flags & F_SIGNUP:
            count += 3 + (1 if flags & F_ALIAS_CHAIN else 0)
        elif flags & F_LOGIN:
            count += 1
        for flag in (
            F_IDENTIFY_EMAIL,
            F_IDENTIFY_JUNK,
            F_GROUP,
            F_SERVER_ORDER,
            F_REFUND,
            F_CANCEL,
            F_SERVER_IDENTIFY,
        ):
            if flags & flag:
                count += 1
        return count
    if kind == K_EMAIL:
        return 2 if flags & F_EMAIL_CLICK else 1
    return 1


# ---------------------------------------------------------------------------------------------
# Static tables
# ---------------------------------------------------------------------------------------------
# code, weight, time zones (zone, weight), locale, currency, calling code, name group
COUNTRIES = (
    ("US", 64, (("America/New_York", 40), ("America/Chicago", 25), ("America/Denver", 10),
                ("America/Los_Angeles", 25)), "en-US", "USD", "1", "en"),
    ("CA", 4, (("America/Toronto", 1),), "en-CA", "USD", "1", "en"),
    ("GB", 13, (("Europe/London", 1),), "en-GB", "GBP", "44", "en"),
    ("DE", 8, (("Europe/Berlin", 1),), "de-DE", "EUR", "49", "de"),
    ("FR", 5, (("Europe/Paris", 1),), "fr-FR", "EUR", "33", "fr"),
    ("ES", 3, (("Europe/Madrid", 1),), "es-ES", "EUR", "34", "es"),
    ("IN", 3, (("Asia/Kolkata", 1),), "en-IN", "USD", "91", "in"),
)  # fmt: skip
_COUNTRY_CUM = list(accumulate(c[1] for c in COUNTRIES))

FIRST_NAMES = {
    "en": ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
           "Elizabeth", "William", "Susan", "Olivia", "Noah", "Emma", "Liam", "Ava", "Ethan", "Mia",
           "Lucas", "Chloe", "Daniel", "Grace", "Samuel", "Zoe", "Aiden", "Harper", "Owen", "Nora"),
    "de": ("Lukas", "Anna", "Leon", "Lena", "Felix", "Marie", "Jonas", "Sophie", "Paul", "Hannah",
           "Finn", "Lea", "Maximilian", "Laura", "Moritz", "Katharina"),
    "fr": ("Louis", "Camille", "Gabriel", "Manon", "Hugo", "Chloé", "Arthur", "Léa", "Jules",
           "Inès", "Raphaël", "Juliette"),
    "es": ("Hugo", "Lucía", "Mateo", "Sofía", "Martín", "Martina", "Pablo", "Valeria", "Álvaro",
           "Carmen"),
    "in": ("Aarav", "Ananya", "Vivaan", "Diya", "Aditya", "Isha", "Arjun", "Priya", "Rohan",
           "Kavya", "Sai", "Meera"),
}  # fmt: skip
LAST_NAMES = {
    "en": ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson",
           "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Lee", "Clark", "Lewis", "Walker",
           "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill",
           "Campbell", "Mitchell", "Roberts", "Carter", "Evans", "Turner", "Collins", "Murphy"),
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Schulz", "Hoffmann", "Koch", "Richter"),
    "fr": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
           "Leroy", "Moreau", "Lefèvre"),
    "es": ("García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez",
           "Pérez", "Gómez", "Ruiz"),
    "in": ("Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Das", "Mehta"),
}  # fmt: skip
_ASCII = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e", "ê": "e", "ë": "e", "à": "a",
                        "á": "a", "í": "i", "ó": "o", "ú": "u", "ñ": "n", "ç": "c"})  # fmt: skip
EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com", "inbox.example")

# store number, name, city, country, zone, currency, kiosks
STORES = (
    (1, "Store #001 New York Fifth Ave", "New York", "US", "America/New_York", "USD", 2),
    (2, "Store #002 Chicago Loop", "Chicago", "US", "America/Chicago", "USD", 1),
    (3, "Store #003 San Francisco Union Square", "San Francisco", "US", "America/Los_Angeles", "USD", 1),
    (4, "Store #004 Austin Domain", "Austin", "US", "America/Chicago", "USD", 0),
    (5, "Store #005 Denver Cherry Creek", "Denver", "US", "America/Denver", "USD", 0),
    (6, "Store #006 London Oxford Street", "London", "GB", "Europe/London", "GBP", 1),
    (7, "Store #007 Berlin Mitte", "Berlin", "DE", "Europe/Berlin", "EUR", 1),
    (8, "Store #008 Paris Le Marais", "Paris", "FR", "Europe/Paris", "EUR", 0),
)
KIOSK_STORES = tuple(i for i, s in enumerate(STORES) for _ in range(s[6]))  # store index per kiosk
_STORES_BY_ZONE: dict[str, tuple[int, ...]] = {}
for _i, _s in enumerate(STORES):
    _STORES_BY_ZONE[_s[4]] = (*_STORES_BY_ZONE.get(_s[4], ()), _i)

WEB_DESKTOP_UA = (
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 "
     "Safari/537.36", False, 34),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/142.0.0.0 Safari/537.36", False, 18),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/26.1 Safari/605.1.15", True, 20),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0", False, 10),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 "
     "Safari/537.36 Edg/142.0.0.0", False, 18),
)  # fmt: skip
WEB_IPHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/26.1 Mobile/15E148 Safari/604.1"
)
WEB_ANDROID_UA = (
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 "
     "Mobile Safari/537.36", 75),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 "
     "Chrome/130.0.0.0 Mobile Safari/537.36", 25),
)  # fmt: skip
IOS_MODELS = (
    ("iPhone16,1", 390, 844),
    ("iPhone17,3", 393, 852),
    ("iPhone15,4", 393, 852),
    ("iPhone14,7", 390, 844),
)
IOS_VERSIONS = ("18.7", "26.0.1", "26.1")
ANDROID_MODELS = (
    ("samsung", "SM-S931B", 384, 832), ("samsung", "SM-A556B", 412, 915), ("Google", "Pixel 9", 412, 915),
    ("Google", "Pixel 8a", 412, 892), ("OnePlus", "CPH2581", 412, 919), ("motorola", "moto g 5G - 2025", 393, 873),
)  # fmt: skip
ANDROID_VERSIONS = (("14", "UP1A.231005.007"), ("15", "AP3A.241105.008"), ("16", "BP2A.250605.031"))
APP_IOS = {"build": "6410", "name": "Shop", "namespace": "com.example.shop", "version": "6.4.1"}
APP_ANDROID = {"build": "6400", "name": "Shop", "namespace": "com.example.shop", "version": "6.4.0"}
APP_ANDROID_LEGACY = {"build": "5920", "name": "Shop", "namespace": "com.example.shop", "version": "5.9.2"}
APP_KIOSK = {"build": "210", "name": "Shop Kiosk", "namespace": "com.example.shop.kiosk", "version": "2.1.0"}
CARRIERS = {"US": "T-Mobile", "CA": "Rogers", "GB": "EE", "DE": "Telekom.de", "FR": "Orange F", "ES": "Movistar",
            "IN": "Jio 4G"}  # fmt: skip
IP_PREFIXES = {"US": (73, 98, 24, 67, 71, 108), "CA": (99, 142, 174), "GB": (81, 86, 90, 109), "DE": (79, 84, 91, 93),
               "FR": (78, 82, 86, 90), "ES": (79, 83, 88), "IN": (49, 103, 106, 117)}  # fmt: skip
US_AREA_CODES = (
    212,
    312,
    415,
    512,
    617,
    646,
    702,
    713,
    206,
    303,
    404,
    305,
    202,
    213,
    503,
    612,
    615,
    919,
    480,
    214,
)
# national significant number: leading digits, length of the rest, digit groups for display
PHONE_PLANS = {"44": ("7", 9, (4, 6)), "49": ("15", 9, (3, 8)), "33": ("6", 8, (1, 2, 2, 2, 2)),
               "34": ("6", 8, (3, 3, 3)), "91": ("9", 9, (5, 5))}  # fmt: skip

COMPANY_WORDS = ("Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent",
                 "Cyberdyne", "Tyrell", "Wonka", "Gringotts", "Oceanic", "Pied Piper", "Aperture")  # fmt: skip
COMPANY_SUFFIX = ("Inc.", "LLC", "GmbH", "Ltd", "Group", "Partners", "Studio", "Labs")
INDUSTRIES = ("Retail", "Hospitality", "Education", "Healthcare", "Technology", "Fitness", "Media")
N_COMPANIES = 400

# Hour-of-day weights in local time (people shop at lunch and in the evening).
HOUR_WEIGHTS = (1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.2, 2.8, 3.1, 3.3,
                3.5, 3.4, 3.3, 3.3, 3.4, 3.6, 4.0, 4.6, 5.0, 4.6, 3.4, 2.0)  # fmt: skip
_HOUR_CUM = list(accumulate(HOUR_WEIGHTS))


def day_weight(day: int) -> float:
    """Traffic weight of a day: slow growth, weekends, and the Thanksgiving/Black Friday weekend."""
    weight = 1.0 + 0.004 * day
    if (2 + day) % 7 >= 5:  # day 0 (2026-09-02) is a Wednesday
        weight *= 1.12
    special = {85: 1.3, 86: 2.6, 87: 1.7, 88: 1.5, 89: 2.3}
    if 80 <= day <= 84:
        weight *= 1.2
    return weight * special.get(day, 1.0)


_DAY_CUM = list(accumulate(day_weight(d) for d in range(PERIOD_DAYS)))


def _campaign_calendar() -> tuple[tuple[int, int, str, str], ...]:
    """E-mail campaigns: Tuesdays and Fridays plus the holiday sends (send second, index, name, subject)."""
    themes = (
        ("Fall Arrivals", "New season, new gear"),
        ("Weekend Deals", "Up to 30% off this weekend"),
        ("Trail Season", "Hit the trail in style"),
        ("New in Electronics", "Just landed: the latest tech"),
        ("Cozy Home Edit", "Make your home a retreat"),
        ("Members Early Access", "You're in: early access starts now"),
        ("Gift Guide", "Gifts they'll actually love"),
    )
    sends = []
    for day in range(PERIOD_DAYS):
        weekday = (2 + day) % 7
        if weekday in (1, 4):
            sends.append((day * DAY_SEC + 15 * 3600, None))
    sends += [(83 * DAY_SEC + 13 * 3600, ("Black Friday Early Access", "Black Friday starts now for you")),
              (86 * DAY_SEC + 11 * 3600, ("Black Friday", "Black Friday: our biggest sale of the year")),
              (89 * DAY_SEC + 11 * 3600, ("Cyber Monday", "Last chance: Cyber Monday deals end tonight"))]  # fmt: skip
    sends.sort(key=lambda s: s[0])
    calendar = []
    for i, (sec, special) in enumerate(sends):
        name, subject = special or themes[i % len(themes)]
        calendar.append((sec, i, f"{name} #{i + 1:02d}", subject))
    return tuple(calendar)


CAMPAIGNS = _campaign_calendar()


# ---------------------------------------------------------------------------------------------
# Persons and devices
# ---------------------------------------------------------------------------------------------
def _pick(rng: random.Random, items: tuple, cum: list[float]):
    """A weighted choice with precomputed cumulative weights (what rng.choices does, faster)."""
    return items[bisect_right(cum, rng.random() * cum[-1])]


def _device_mixes() -> tuple[tuple[tuple[str, ...], ...], list[float]]:
    """Orders of device kinds with their weights (first desktop 40, mobile web 25, app 35, then the rest)."""
    base = {"desktop": 40, "mobile": 25, "app": 35}
    mixes, weights = [], []
    for a in base:
        for b in base:
            if b == a:
                continue
            c = next(k for k in base if k not in (a, b))
            mixes.append((a, b, c))
            weights.append(base[a] / 100 * base[b] / (100 - base[a]))
    return tuple(mixes), list(accumulate(weights))


_DEVICE_MIXES, _DEVICE_MIX_CUM = _device_mixes()
_N_DEVICES_CUM = list(accumulate((50, 35, 15)))
_BUYER_CUM = list(accumulate((55, 33, 12)))
_ACTIVITY_CUM = list(accumulate((45, 35, 15, 5)))
_DESKTOP_CUM = list(accumulate(w for _, _, w in WEB_DESKTOP_UA))
_ANDROID_UA_CUM = list(accumulate(w for _, w in WEB_ANDROID_UA))
_ZONE_CUM = {c[0]: list(accumulate(w for _, w in c[2])) for c in COUNTRIES}


class Device:
    """One browser or app install: what it sends in `context`, its clock and its ids."""

    __slots__ = (
        "source", "kind", "user_agent", "manufacturer", "model", "os_name", "os_version", "device_id",
        "ad_id", "ad_enabled", "skew_ms", "safari", "legacy", "screen", "app", "anon_parts",
    )  # fmt: skip

    def __init__(self) -> None:
        self.user_agent = self.manufacturer = self.model = self.os_name = self.os_version = None
        self.device_id = self.ad_id = None
        self.ad_enabled = False
        self.skew_ms = 0
        self.safari = self.legacy = False
        self.screen = self.app = None

    def anon_id(self, epoch: int) -> str:
        """anonymousId of this device after `epoch` cookie resets."""
        upper = self.source == "ios"
        return uuid_from(*self.anon_parts, epoch, upper=upper)


def _skew(seed: int, *parts: int) -> int:
    """~3% of devices have a wrong clock: minutes, hours or days off, either way."""
    if unit(seed, D_SKEW, *parts) >= 0.03:
        return 0
    u = unit(seed, D_SKEW, *parts, 1)
    sign = 1 if unit(seed, D_SKEW, *parts, 2) < 0.5 else -1
    if u < 0.5:
        return sign * int(2 * MIN_MS + u / 0.5 * 53 * MIN_MS)
    if u < 0.8:
        return sign * int(HOUR_MS + (u - 0.5) / 0.3 * 22 * HOUR_MS)
    return sign * int(DAY_MS + (u - 0.8) / 0.2 * 8 * DAY_MS)


def _make_device(rng: random.Random, seed: int, owner: int, slot: int, kind: str, platform: str) -> Device:
    dev = Device()
    dev.kind = "mobile" if kind in ("mobile", "app") else kind
    dev.anon_parts = (seed, D_ANON, owner, slot)
    dev.skew_ms = _skew(seed, owner, slot)
    if kind in ("desktop", "mobile"):
        dev.source = "web"
        if kind == "desktop":
            ua, safari, _ = _pick(rng, WEB_DESKTOP_UA, _DESKTOP_CUM)
        elif platform == "ios":
            ua, safari = WEB_IPHONE_UA, True
        else:
            ua, safari = _pick(rng, WEB_ANDROID_UA, _ANDROID_UA_CUM)[0], False
        dev.user_agent, dev.safari = ua, safari
        return dev
    dev.source = platform
    if platform == "ios":
        model, width, height = rng.choice(IOS_MODELS)
        dev.manufacturer, dev.model, dev.os_name, dev.os_version = (
            "Apple",
            model,
            "iOS",
            rng.choice(IOS_VERSIONS),
        )
        dev.device_id = uuid_from(seed, D_DEVICE, owner, slot, upper=True)
        dev.ad_enabled = rng.random() < 0.35  # App Tracking Transparency opt-in
        dev.ad_id = uuid_from(seed, D_DEVICE, owner, slot, 1, upper=True) if dev.ad_enabled else ZERO_AD_ID
        dev.app = APP_IOS
    else:
        manufacturer, model, width, height = rng.choice(ANDROID_MODELS)
        version, build = rng.choice(ANDROID_VERSIONS)
        dev.manufacturer, dev.model, dev.os_name, dev.os_version = manufacturer, model, "Android", version
        dev.device_id = hex_id(16, seed, D_DEVICE, owner, slot)
        dev.ad_enabled = rng.random() < 0.75
        if dev.ad_enabled:
            dev.ad_id = uuid_from(seed, D_DEVICE, owner, slot, 1)
        else:
            dev.ad_id = ZERO_AD_ID if rng.random() < 0.5 else None
        dev.legacy = rng.random() < 0.2  # old app version that still sends ecommerce v1 names
        dev.app = APP_ANDROID_LEGACY if dev.legacy else APP_ANDROID
        dev.user_agent = f"Dalvik/2.1.0 (Linux; U; Android {version}; {model} Build/{build})"
    dev.screen = {"height": height, "width": width}
    return dev


def household_device(seed: int, head: int) -> Device:
    """The family computer or tablet a household head shares with the partner."""
    rng = random.Random(mix(seed, D_HOUSEHOLD, head))
    if rng.random() < 0.7:
        dev = _make_device(rng, seed, head, 7, "desktop", "android")
    else:
        dev = _make_device(rng, seed, head, 7, "app", "android")
        dev.kind = "tablet"
        dev.manufacturer, dev.model, dev.screen = "samsung", "SM-X210", {"height": 1340, "width": 800}
    dev.anon_parts = (seed, D_HOUSEHOLD, head)
    return dev


def kiosk_device(seed: int, kiosk: int) -> Device:
    """An in-store iPad running the kiosk app, used by many customers."""
    dev = Device()
    dev.source, dev.kind = "ios", "tablet"
    dev.manufacturer, dev.model, dev.os_name, dev.os_version = "Apple", "iPad13,18", "iOS", "26.1"
    dev.device_id = uuid_from(seed, D_KIOSK, kiosk, upper=True)
    dev.ad_id, dev.ad_enabled = None, False
    dev.app = APP_KIOSK
    dev.screen = {"height": 1180, "width": 820}
    dev.anon_parts = (seed, D_KIOSK, kiosk, 1)
    return dev


def _phone(rng: random.Random, index: int, calling: str) -> tuple[str, str]:
    """(E.164, as typed) — unique per person; formats that normalise correctly with default country US."""
    if calling == "1":
        local = 2_000_000 + permute(index, 8_000_000)
        area, exchange, line = rng.choice(US_AREA_CODES), local // 10_000, f"{local % 10_000:04d}"
        e164 = f"+1{area}{exchange}{line}"
        fmt = rng.choice(
            (
                f"+1 {area} {exchange} {line}", f"({area}) {exchange}-{line}", f"{area}.{exchange}.{line}",
                f"{area}-{exchange}-{line}", f"{area}{exchange}{line}", e164, f"1-{area}-{exchange}-{line}",
                f"+1 ({area}) {exchange}-{line}",
            )
        )  # fmt: skip
        return e164, fmt
    lead, rest, groups = PHONE_PLANS[calling]
    nsn = lead + f"{permute(index, 10**rest):0{rest}d}"
    parts, pos = [], 0
    for g in groups:
        parts.append(nsn[pos : pos + g])
        pos += g
    grouped = " ".join(parts)
    e164 = f"+{calling}{nsn}"
    return e164, rng.choice((f"+{calling} {grouped}", f"00{calling} {grouped}", e164))


class Person:
    __slots__ = (
        "index", "person_id", "country", "tz", "locale", "currency", "calling", "first_name", "last_name",
        "email", "email_typed", "phone", "phone_typed", "phone_shared", "devices", "device_weights",
        "account", "user_id", "newsletter", "loyalty_id", "marketplace_id", "relay_email", "store",
        "store_shopper", "kiosk", "company", "consent", "consent_recorded", "ip", "open_rate",
        "marketing_ok", "buyer", "activity", "categories", "receipt", "is_head", "head",
    )  # fmt: skip


def is_household_head(seed: int, index: int) -> bool:
    return unit(seed, D_HEAD, index) < 0.018


def make_person(seed: int, index: int, head: Person | None = None) -> Person:
    """The person at `index` (0-based); pass `head` for a household partner (index = head + 1)."""
    rng = random.Random(mix(seed, D_PERSON, index))
    p = Person()
    p.index = index
    p.person_id = f"p_{index + 1:07d}"
    p.head = head.index if head is not None else -1
    p.is_head = head is None and is_household_head(seed, index)
    country = COUNTRIES[bisect_right(_COUNTRY_CUM, rng.random() * _COUNTRY_CUM[-1])]
    code, _, zones, locale, currency, calling, names = country
    tz = zones[0][0] if len(zones) == 1 else _pick(rng, zones, _ZONE_CUM[code])[0]
    p.first_name = rng.choice(FIRST_NAMES[names])
    p.last_name = rng.choice(LAST_NAMES[names])
    ip = f"{rng.choice(IP_PREFIXES[code])}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    if head is not None:  # a partner lives with the head
        code, tz, locale, currency, calling = head.country, head.tz, head.locale, head.currency, head.calling
        p.last_name, ip = head.last_name, head.ip
    p.country, p.tz, p.locale, p.currency, p.calling, p.ip = code, tz, locale, currency, calling, ip

    first = p.first_name.lower().translate(_ASCII)
    last = p.last_name.lower().translate(_ASCII)
    n = permute(index, 10_000_000, 7919, 1)
    local = rng.choice(
        (f"{first}.{last}{n}", f"{first}{last}{n}", f"{first[0]}{last}{n}", f"{first}_{last}{n}")
    )
    p.email = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
    u = rng.random()
    if u < 0.08:
        p.email_typed = "@".join(s[:1].upper() + s[1:] for s in p.email.split("@"))
        p.email_typed = ".".join(s[:1].upper() + s[1:] for s in p.email_typed.split(".", 1))
    elif u < 0.14:
        p.email_typed = p.email.upper()
    elif u < 0.22:
        p.email_typed = rng.choice((" ", "  ", "")) + p.email + rng.choice((" ", "\t", "  "))
    else:
        p.email_typed = p.email
    if rng.random() < 0.65:
        p.phone, p.phone_typed = _phone(rng, index, calling)
        p.phone_shared = rng.random() < 0.6
    else:
        p.phone = p.phone_typed = None
        p.phone_shared = False

    # devices: 1-3 browsers / app installs
    platform = "ios" if rng.random() < (0.55 if code in ("US", "GB", "CA") else 0.3) else "android"
    n_dev = _pick(rng, (1, 2, 3), _N_DEVICES_CUM)
    kinds = _pick(rng, _DEVICE_MIXES, _DEVICE_MIX_CUM)[:n_dev]
    p.devices = [_make_device(rng, seed, index, slot, kind, platform) for slot, kind in enumerate(kinds)]
    p.device_weights = list(accumulate((0.6, 0.28, 0.12)[:n_dev]))

    # account, marketing and shopping habits
    u = rng.random()
    p.account = "existing" if u < 0.35 else ("signup" if u < 0.5 else "never")
    if p.is_head or head is not None:
        p.account = "existing"  # both members of a household log in with their own account
    p.user_id = f"u_{permute(index, 10_000_000, 7919, 424_242):07d}"
    u = rng.random()
    p.newsletter = "real" if u < 0.25 else ("junk" if u < 0.28 else "none")
    stores = _STORES_BY_ZONE.get(tz, ())
    p.store = rng.choice(stores) if stores else -1
    p.store_shopper = p.store >= 0 and rng.random() < 0.16
    p.loyalty_id = f"L{permute(index, 100_000_000, 7919, 1_234_567):08d}" if (
        p.store_shopper and rng.random() < 0.7) else None  # fmt: skip
    kiosks = [k for k, s in enumerate(KIOSK_STORES) if s == p.store]
    p.kiosk = rng.choice(kiosks) if (kiosks and p.store_shopper and p.account == "existing"
                                     and rng.random() < 0.25) else -1  # fmt: skip
    if rng.random() < 0.06:
        p.marketplace_id = "A" + "".join("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"[(mix(seed, D_MKT, index, i) >> 7) % 34]
                                         for i in range(13))  # fmt: skip
        p.relay_email = f"{hex_id(16, seed, D_MKT, index)}@marketplace.example"
    else:
        p.marketplace_id = p.relay_email = None
    p.company = int(unit(seed, D_PERSON, index, 3) * N_COMPANIES) if rng.random() < 0.03 else -1
    p.consent = {
        "marketing": rng.random() < 0.6,
        "advertising": rng.random() < 0.5,
        "analytics": rng.random() < 0.92,
    }
    p.consent_recorded = rng.random() < 0.93
    p.marketing_ok = p.consent["marketing"] or not p.consent_recorded
    p.open_rate = rng.choice((0.05, 0.15, 0.3, 0.5))
    p.buyer = _pick(rng, (0.012, 0.035, 0.1), _BUYER_CUM)
    p.activity = _pick(rng, (0, 1, 2, 3), _ACTIVITY_CUM)
    p.categories = (rng.randrange(len(CATEGORIES)), rng.randrange(len(CATEGORIES)))
    u = rng.random()
    p.receipt = "email" if u < 0.5 else ("sms" if u < 0.7 and p.phone else "none")
    return p


def company_traits(company: int) -> tuple[str, dict]:
    """groupId and group traits of a B2B account."""
    rng = random.Random(mix(0xC0, company))
    name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SUFFIX)}"
    traits = {
        "name": name,
        "industry": rng.choice(INDUSTRIES),
        "employees": rng.choice((8, 25, 60, 140, 320, 900)),
        "plan": rng.choice(("business", "business_plus")),
        "website": "https://" + "".join(c for c in name.lower() if c.isalnum()) + ".example",
    }
    return f"acct_{company + 1:05d}", traits


# ---------------------------------------------------------------------------------------------
# Planning (phase 1)
# ---------------------------------------------------------------------------------------------
def draw_time(rng: random.Random, tz: str, store_hours: bool = False) -> int:
    """A second of the period, weighted by day and by local hour."""
    day = min(bisect_right(_DAY_CUM, rng.random() * _DAY_CUM[-1]), PERIOD_DAYS - 1)
    if store_hours:
        local = rng.randrange(10 * 3600, 20 * 3600)
    else:
        local = min(bisect_right(_HOUR_CUM, rng.random() * _HOUR_CUM[-1]), 23) * 3600 + rng.randrange(3600)
    t = day * DAY_SEC + local - utc_offset_minutes(tz, START_MS + day * DAY_MS) * 60
    return t % PERIOD_SEC


def _outcome(rng: random.Random, buyer: float, kiosk: bool) -> int:
    u = rng.random()
    if kiosk:
        return ADD if u < 0.25 else BROWSE
    if u < buyer:
        return ORDER
    if u < buyer * 2.2:
        return CHECKOUT
    if u < buyer * 4.2 + 0.03:
        return ADD
    return BROWSE


def _core_size(rng: random.Random, outcome: int) -> int:
    base, mean = ((1, 5.0), (4, 5.0), (9, 5.0), (15, 7.0))[outcome]
    return min(base + int(rng.expovariate(1 / mean)), 200)


class UnitPlan:
    """A planned unit: its persons, session records, ground-truth identifier rows and message count."""

    __slots__ = ("persons", "records", "identifiers", "messages")

    def __init__(self) -> None:
        self.persons: list[Person] = []
        self.records: list[tuple[int, int, int, int, int]] = []  # (t_sec, person, k, meta, flags)
        self.identifiers: list[tuple[str, str, str]] = []
        self.messages = 0


class Planner:
    def __init__(self, seed: int) -> None:
        self.seed = seed

    def units(self):
        """Units in index order, forever (the caller stops when it has enough messages)."""
        index = 0
        while True:
            head = make_person(self.seed, index)
            members = [head]
            if head.is_head:
                members.append(make_person(self.seed, index + 1, head=head))
            yield self.plan_unit(members)
            index += len(members)

    def plan_unit(self, members: list[Person]) -> UnitPlan:
        rng = random.Random(mix(self.seed, D_PLAN, members[0].index))
        shared: dict[int, list[int]] = {p.index: [] for p in members}
        if len(members) == 2:  # sessions on the shared family device, each by one of the two
            n_shared = rng.randint(2, 6)
            owners = [rng.randrange(2) for _ in range(n_shared)]
            if len(set(owners)) == 1:
                owners[-1] = 1 - owners[0]
            times: list[int] = []
            while len(times) < n_shared:  # one person at a time: sessions at least 3 hours apart
                t = draw_time(rng, members[0].tz)
                if all(abs(t - other) >= 3 * 3600 for other in times):
                    times.append(t)
            for owner, t in zip(owners, times, strict=True):
                shared[members[owner].index].append(t)
        plan = UnitPlan()
        for person in members:
            self._plan_person(person, rng, shared[person.index], plan)
        return plan

    def _plan_person(
        self, person: Person, rng: random.Random, shared_times: list[int], plan: UnitPlan
    ) -> None:
        seed = self.seed
        idents: dict[tuple[str, str], None] = {}
        hh_device = (
            household_device(seed, person.head if person.head >= 0 else person.index)
            if shared_times
            else None
        )

        # web / app sessions: (time, device slot)
        n_web = (rng.randint(1, 2), rng.randint(2, 6), rng.randint(5, 15), rng.randint(12, 40))[
            person.activity
        ]
        web = [
            (draw_time(rng, person.tz), min(bisect_right(person.device_weights, rng.random() * person.device_weights[-1]),
                                            len(person.devices) - 1))
            for _ in range(n_web)
        ]  # fmt: skip
        web += [(t, DEV_HOUSEHOLD) for t in shared_times]
        if person.kiosk >= 0:
            store_tz = STORES[KIOSK_STORES[person.kiosk]][4]
            for _ in range(rng.randint(1, 2)):  # kiosk sessions start on a 5-minute slot and are short
                t = draw_time(rng, store_tz, store_hours=True)
                web.append((t - t % 300, DEV_KIOSK))
        web.sort()
        outcomes = [_outcome(rng, person.buyer, dev == DEV_KIOSK) for _, dev in web]
        signup_at = -1
        if person.account == "signup":
            personal = [i for i, (_, dev) in enumerate(web) if dev < DEV_HOUSEHOLD]
            orders = [i for i in personal if outcomes[i] == ORDER]
            signup_at = orders[0] if orders and rng.random() < 0.5 else rng.choice(personal)

        sessions: list[list[int]] = []  # [t, kind, dev, epoch, outcome, aux, n, flags]
        existing = person.account == "existing"
        states = [
            [0, existing and rng.random() < (0.7 if d == 0 else 0.4), -1] for d in range(len(person.devices))
        ]
        has_account = existing
        email_known = 0 if existing else -1
        uid_from = 0 if existing else -1
        prev_anon: tuple[int, int] | None = None
        junk_done = False
        for i, (t, dev) in enumerate(web):
            flags = aux = epoch = 0
            outcome = outcomes[i]
            if dev >= DEV_HOUSEHOLD:
                flags |= F_LOGIN  # shared devices: always anonymous first, then the person logs in
                if dev == DEV_KIOSK:
                    aux = person.kiosk
                    idents[("anonymous_id", kiosk_device(seed, person.kiosk).anon_id(0))] = None
                    idents[("device_id", kiosk_device(seed, person.kiosk).device_id)] = None
                else:
                    idents[("anonymous_id", hh_device.anon_id(0))] = None
                    if hh_device.device_id:
                        idents[("device_id", hh_device.device_id)] = None
                    if hh_device.ad_enabled:
                        idents[("advertising_id", hh_device.ad_id)] = None
                    if hh_device.source == "web" and rng.random() < 0.2:
                        flags |= F_CAMPAIGN
            else:
                state, device = states[dev], person.devices[dev]
                if state[2] >= 0 and ((device.safari and t - state[2] > 7 * DAY_SEC) or rng.random() < 0.02):
                    state[0], state[1] = min(15, state[0] + 1), False  # cookies gone (ITP cap, cleared)
                epoch = state[0]
                if i == signup_at:
                    flags |= F_SIGNUP
                    state[1], has_account, uid_from = True, True, t
                    if email_known < 0:
                        email_known = t
                    if prev_anon is not None and prev_anon != (dev, epoch) and rng.random() < 0.35:
                        flags |= F_ALIAS_CHAIN
                        aux = prev_anon[0] << 4 | prev_anon[1]
                elif state[1]:
                    flags |= F_LOGGED_IN
                elif has_account and rng.random() < 0.45:
                    flags |= F_LOGIN
                    state[1] = True
                    if rng.random() < 0.5:
                        flags |= F_SERVER_IDENTIFY
                if not flags & IDENTIFIED and email_known < 0:
                    if outcome == ORDER or (person.newsletter == "real" and rng.random() < 0.25):
                        flags |= F_IDENTIFY_EMAIL
                        email_known = t
                    elif person.newsletter == "junk" and not junk_done and rng.random() < 0.25:
                        flags |= F_IDENTIFY_JUNK
                        junk_done = True
                if device.source == "web":
                    if rng.random() < 0.2:
                        flags |= F_CAMPAIGN
                elif rng.random() < 0.06:
                    flags |= F_OFFLINE
                idents[("anonymous_id", device.anon_id(epoch))] = None
                if device.device_id:
                    idents[("device_id", device.device_id)] = None
                if device.ad_enabled:
                    idents[("advertising_id", device.ad_id)] = None
                if state[1] and rng.random() < 0.04:  # log out with analytics.reset(): new anonymousId
                    state[0], state[1] = min(15, state[0] + 1), False
                state[2] = t
                prev_anon = (dev, epoch)
            if flags & IDENTIFIED and person.company >= 0 and rng.random() < 0.4:
                flags |= F_GROUP
            if outcome == ORDER:
                if rng.random() < 0.7:
                    flags |= F_SERVER_ORDER
                u = rng.random()
                flags |= F_REFUND if u < 0.06 else (F_CANCEL if u < 0.09 else 0)
            if flags & IDENTIFIED:
                idents[("user_id", person.user_id)] = None
            if flags & (F_LOGIN | F_SIGNUP | F_IDENTIFY_EMAIL):
                idents[("email", person.email)] = None
            if flags & (F_LOGIN | F_SIGNUP) and person.phone_shared:
                idents[("phone", person.phone)] = None
            if flags & F_SIGNUP and person.loyalty_id:
                idents[("loyalty_id", person.loyalty_id)] = None
            sessions.append([t, K_WEB, dev, epoch, outcome, aux, _core_size(rng, outcome), flags])

        # marketing e-mails, opened (and sometimes clicked) after the address became known
        if email_known >= 0 and person.marketing_ok:
            for send, campaign, _, _ in CAMPAIGNS:
                if send < email_known or rng.random() >= person.open_rate:
                    continue
                u = rng.random()
                delay = rng.randint(60, 7200) if u < 0.5 else (
                    rng.randint(7200, 86_400) if u < 0.85 else rng.randint(86_400, 3 * 86_400))  # fmt: skip
                t = send + delay
                if t >= PERIOD_SEC:
                    continue
                flags = F_EMAIL_CLICK if rng.random() < 0.2 else 0
                if 0 <= uid_from <= t:
                    flags |= F_USE_USER_ID
                    idents[("user_id", person.user_id)] = None
                else:
                    idents[("anonymous_id", esp_anon_id(seed, person.index))] = None
                idents[("email", person.email)] = None
                sessions.append([t, K_EMAIL, 0, 0, 0, campaign, 0, flags])

        # in-store purchases
        if person.store_shopper:
            store_tz = STORES[person.store][4]
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                t = draw_time(rng, store_tz, store_hours=True)
                flags = 0
                if person.loyalty_id and rng.random() < 0.85:
                    flags |= F_POS_LOYALTY
                if person.receipt != "none":
                    if rng.random() < 0.5:
                        flags |= F_POS_TRAITS
                elif rng.random() < 0.1:
                    flags |= F_POS_JUNK
                if flags & F_POS_LOYALTY and 0 <= uid_from <= t and rng.random() < 0.3:
                    flags |= F_USE_USER_ID
                sessions.append([t, K_POS, 0, 0, 0, 0, 0, flags])

        # marketplace orders
        if person.marketplace_id:
            for _ in range(rng.choice((1, 1, 2, 3))):
                flags = F_MKT_REAL_EMAIL if rng.random() < 0.25 else 0
                sessions.append([draw_time(rng, person.tz), K_MARKET, 0, 0, 0, 0, 0, flags])

        sessions.sort(key=lambda s: s[0])
        partner = F_PARTNER if person.head >= 0 else 0
        for k, (t, kind, dev, epoch, outcome, aux, n, flags) in enumerate(sessions):
            if kind == K_POS:
                idents[("anonymous_id", pos_anon_id(seed, person.index, k))] = None
                if flags & F_POS_LOYALTY:
                    idents[("loyalty_id", person.loyalty_id)] = None
                if flags & F_POS_TRAITS:
                    if person.receipt == "email":
                        idents[("email", person.email)] = None
                    else:
                        idents[("phone", person.phone)] = None
                if flags & F_USE_USER_ID:
                    idents[("user_id", person.user_id)] = None
            elif kind == K_MARKET:
                idents[("anonymous_id", market_anon_id(seed, person.index, k))] = None
                idents[("marketplace_customer_id", person.marketplace_id)] = None
                # the marketplace passes on a relay address, or (sometimes) the buyer's own
                idents[("email", person.email if flags & F_MKT_REAL_EMAIL else person.relay_email)] = None
            plan.records.append(
                (t, person.index, k, pack_meta(kind, dev, epoch, outcome, aux, n), flags | partner)
            )
            plan.messages += planned_messages(kind, n, flags)
        plan.persons.append(person)
        for id_type, value in sorted(idents, key=lambda iv: (_TYPE_ORDER[iv[0]], iv[1])):
            plan.identifiers.append((id_type, value, person.person_id))


def esp_anon_id(seed: int, person: int) -> str:
    """anonymousId the e-mail service uses for a subscriber it cannot match to a userId."""
    return "esp_" + hex_id(20, seed, D_ESP, person)


def pos_anon_id(seed: int, person: int, k: int) -> str:
    """anonymousId the till generates for one transaction."""
    return "pos-" + uuid_from(seed, D_POS, person, k)


def market_anon_id(seed: int, person: int, k: int) -> str:
    """anonymousId the marketplace connector generates for one order."""
    return "mkt-" + hex_id(24, seed, D_MKT, person, k)
