"""Identity-resolution scenarios as rows of int_events_deduplicated, with the exact expected profiles.

Each scenario is a list of events (only the columns identity resolution reads) and the expected
partition: a list of profiles, each a set of (identifier_type, identifier_value), plus, for events
whose profile is not obvious, which profile (given by one of its identifiers) they must belong to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

EVENT_COLUMNS = [
    "event_id",
    "message_type",
    "event_name",
    "user_id",
    "anonymous_id",
    "previous_id",
    "group_id",
    "email",
    "phone",
    "device_id",
    "advertising_id",
    "external_ids",
    "traits",
    "properties",
    "context",
    "locale",
    "event_at",
    "received_at",
    "source_name",
    "source_file",
    "line_number",
]

T0 = datetime(2024, 3, 4, 9, 0, 0)


@dataclass
class Scenario:
    name: str
    events: list[dict[str, Any]] = field(default_factory=list)
    # expected profiles: each a set of "type:value" strings (mergeable identifiers only)
    profiles: list[set[str]] = field(default_factory=list)
    # event_id -> an identifier ("type:value") of the profile the event must go to
    event_owner: dict[str, str] = field(default_factory=dict)
    _clock: int = 0

    def add(self, event_id: str, message_type: str = "track", **fields: Any) -> str:
        self._clock += 1
        event_at = fields.pop("at", None) or T0 + timedelta(minutes=self._clock)
        row = {column: None for column in EVENT_COLUMNS}
        row.update(
            event_id=f"{self.name}:{event_id}",
            message_type=message_type,
            event_name=fields.pop("event_name", "Page Viewed" if message_type == "page" else None),
            event_at=event_at,
            received_at=event_at,
            source_name="fixture",
            source_file=f"{self.name}.jsonl",
            line_number=self._clock,
        )
        for key in ("traits", "properties", "context", "external_ids"):
            if key in fields and not isinstance(fields[key], str):
                fields[key] = json.dumps(fields[key])
        row.update(fields)
        self.events.append(row)
        return row["event_id"]


def shared_browser() -> Scenario:
    """Alice and Bob use the same browser (anonymousId never reset at logout).

    Default rule (var cdp__identity_contested_attribution: next_login): an anonymous event on the
    shared browser belongs to the next login on it, and after the last login to the last user.
    """
    s = Scenario("shared")
    s.add("a1", "page", anonymous_id="anon-shared", device_id="laptop-1")
    s.add("a2", "identify", user_id="u-alice", anonymous_id="anon-shared", email="alice@x.org")
    s.add("a3", user_id="u-alice", anonymous_id="anon-shared", event_name="Product Viewed")
    s.add("b1", "page", anonymous_id="anon-shared")  # before Bob's login: Bob's (next_login rule)
    s.add("b2", "page", anonymous_id="anon-shared")
    s.add("b3", "identify", user_id="u-bob", anonymous_id="anon-shared", email="bob@x.org")
    s.add("b4", user_id="u-bob", anonymous_id="anon-shared", event_name="Order Completed")
    s.add("b5", "page", anonymous_id="anon-shared")  # after the last login: the last user (Bob)
    s.profiles = [
        {"user_id:u-alice", "email:alice@x.org", "anonymous_id:anon-shared", "device_id:laptop-1"},
        {"user_id:u-bob", "email:bob@x.org"},
    ]
    owner_a, owner_b = "user_id:u-alice", "user_id:u-bob"
    s.event_owner = {f"shared:{e}": owner_a for e in ("a1", "a2", "a3")}
    s.event_owner.update({f"shared:{e}": owner_b for e in ("b1", "b2", "b3", "b4", "b5")})
    return s


def junk_identifiers() -> Scenario:
    """Placeholder values never link people."""
    s = Scenario("junk")
    s.add("c1", "identify", user_id="u-carol", anonymous_id="null", email="test@test.com", phone="0")
    s.add("d1", "identify", user_id="u-dave", anonymous_id="null", email="TEST@test.com ", phone="0000000000")
    s.add("e1", "identify", user_id="u-erik", anonymous_id="undefined", device_id="[object Object]")
    s.add("f1", "identify", user_id="u-fay", anonymous_id="'undefined'", device_id="[object Object]")
    s.add("g1", "page", anonymous_id="  ", user_id="0")  # no usable identifier at all
    s.add("h1", "identify", user_id="u-hal", anonymous_id="anonymous", email="not-an-email")
    s.add(
        "i1",
        "identify",
        user_id="u-ivy",
        anonymous_id="-1",
        advertising_id="00000000-0000-0000-0000-000000000000",
    )
    s.add(
        "j1",
        "identify",
        user_id="u-jon",
        anonymous_id="NaN",
        advertising_id="00000000-0000-0000-0000-000000000000",
    )
    s.profiles = [
        {"user_id:u-carol"},
        {"user_id:u-dave"},
        {"user_id:u-erik"},
        {"user_id:u-fay"},
        {"user_id:u-hal"},
        {"user_id:u-ivy"},
        {"user_id:u-jon"},
    ]
    return s


def alias_chain(hops: int = 100) -> Scenario:
    """An alias chain of `hops` hops: anon -> u1 -> u2 -> ... -> u<hops>, in scrambled order."""
    s = Scenario("chain")
    order = list(range(1, hops + 1))
    # scramble deterministically so the chain is not in key or time order
    order = order[::2] + order[1::2][::-1]
    for k in order:
        previous = "chain-anon" if k == 1 else f"chain-u{k - 1}"
        s.add(f"alias{k}", "alias", user_id=f"chain-u{k}", previous_id=previous)
    s.add("first", "page", anonymous_id="chain-anon")
    s.add("last", user_id=f"chain-u{hops}", event_name="Order Completed")
    s.profiles = [{"anonymous_id:chain-anon"} | {f"user_id:chain-u{k}" for k in range(1, hops + 1)}]
    return s


def kiosk_hub(people: int = 12) -> Scenario:
    """One store kiosk device used by many people, some logged in, some anonymous; plus a family email."""
    s = Scenario("kiosk")
    profiles = []
    for i in range(people):
        s.add(f"k{i}a", "page", anonymous_id=f"kiosk-anon-{i}", device_id="kiosk-device")
        if i % 3 != 2:
            s.add(
                f"k{i}b",
                "identify",
                user_id=f"kiosk-u{i}",
                anonymous_id=f"kiosk-anon-{i}",
                device_id="kiosk-device",
            )
            profiles.append({f"user_id:kiosk-u{i}", f"anonymous_id:kiosk-anon-{i}"})
        else:
            profiles.append({f"anonymous_id:kiosk-anon-{i}"})
    profiles[0].add("device_id:kiosk-device")  # the hub stays with its first link
    # a family address shared by three people with their own user ids
    for name in ("mum", "dad", "kid"):
        s.add(f"fam-{name}", "identify", user_id=f"fam-{name}", email="family@home.net")
    profiles.append({"user_id:fam-mum", "email:family@home.net"})
    profiles.append({"user_id:fam-dad"})
    profiles.append({"user_id:fam-kid"})
    s.profiles = profiles
    s.event_owner = {f"kiosk:k{i}a": f"anonymous_id:kiosk-anon-{i}" for i in range(people)}
    return s


def email_case_and_spaces() -> Scenario:
    s = Scenario("email")
    s.add("1", "identify", anonymous_id="em-anon-1", email="  Erin@Example.COM ")
    s.add("2", "identify", anonymous_id="em-anon-2", email="erin@example.com")
    s.add("3", "identify", user_id="u-erin", traits={"email": "ERIN@example.com"}, email="ERIN@example.com")
    s.add("4", "identify", anonymous_id="em-anon-4", email="erin@example.com\t\n")  # tab and newline
    s.profiles = [
        {
            "email:erin@example.com",
            "anonymous_id:em-anon-1",
            "anonymous_id:em-anon-2",
            "anonymous_id:em-anon-4",
            "user_id:u-erin",
        }
    ]
    return s


def phone_formats() -> Scenario:
    s = Scenario("phone")
    s.add("1", "identify", anonymous_id="ph-anon-1", phone="+1 (415) 555-2671")
    s.add("2", "identify", anonymous_id="ph-anon-2", phone="415.555.2671")
    s.add("3", "identify", anonymous_id="ph-anon-3", phone="001 415 555 2671")
    s.add("4", "identify", anonymous_id="ph-anon-4", phone="1-415-555-2671 ext. 12")
    s.add("5", "identify", anonymous_id="ph-anon-5", phone="+44 20 7946 0958")
    s.add("6", "identify", anonymous_id="ph-anon-6", phone="0044 (0)20 7946 0958")
    s.add("7", "identify", anonymous_id="ph-anon-7", phone="555-2671")  # too short: not a phone
    s.profiles = [
        {"phone:+14155552671"} | {f"anonymous_id:ph-anon-{i}" for i in (1, 2, 3, 4)},
        {"phone:+442079460958", "anonymous_id:ph-anon-5", "anonymous_id:ph-anon-6"},
        {"anonymous_id:ph-anon-7"},
    ]
    return s


def phone_countries() -> Scenario:
    """National numbers are read with the message's country (traits, then locale), else the default US.

    The same GB mobile as '07700 900123' on an en-GB page and as '+44 7700 900123' joins one profile;
    numbers that cannot be read (no plan for Vietnam, '+0...', a GB national number without a country
    read as US) are never matched and are rejected as invalid_format.
    """
    s = Scenario("phonecountry")
    s.add("gb1", "identify", anonymous_id="pc-anon-1", phone="07700 900123", locale="en-GB")
    s.add("gb2", "identify", anonymous_id="pc-anon-2", phone="+44 7700 900123")
    s.add("de1", "identify", anonymous_id="pc-anon-3", phone="030 1234567", traits={"country": "Deutschland"})
    s.add(
        "de2",
        "identify",
        anonymous_id="pc-anon-4",
        phone="+49 30 1234567",
        traits={"address": {"country": "DE"}},
    )
    s.add("us1", "identify", anonymous_id="pc-anon-5", phone="(212) 555-0147")
    s.add("us2", "identify", anonymous_id="pc-anon-6", phone="+1 212 555 0147", locale="en-US")
    s.add("vn1", "identify", anonymous_id="pc-anon-7", phone="0912 345 678", traits={"country": "Vietnam"})
    s.add("zero", "identify", anonymous_id="pc-anon-8", phone="+07700900123", locale="en-GB")
    s.add("nocountry", "identify", anonymous_id="pc-anon-9", phone="07700 900123")
    s.profiles = [
        {"phone:+447700900123", "anonymous_id:pc-anon-1", "anonymous_id:pc-anon-2"},
        {"phone:+49301234567", "anonymous_id:pc-anon-3", "anonymous_id:pc-anon-4"},
        {"phone:+12125550147", "anonymous_id:pc-anon-5", "anonymous_id:pc-anon-6"},
        {"anonymous_id:pc-anon-7"},
        {"anonymous_id:pc-anon-8"},
        {"anonymous_id:pc-anon-9"},
    ]
    return s


# raw phone values of phone_countries() that cannot be read: rejected once each as invalid_format
UNREADABLE_PHONES = {"0912 345 678", "+07700900123", "07700 900123"}


def identify_traits_only() -> Scenario:
    """An identify without userId (traits only) links the browser to the email; a later login joins them."""
    s = Scenario("traits")
    s.add("1", "page", anonymous_id="tr-anon-1")
    s.add(
        "2",
        "identify",
        anonymous_id="tr-anon-1",
        traits={"email": "frank@x.org", "name": "Frank"},
        email="frank@x.org",
    )
    s.add("3", "identify", user_id="u-frank", anonymous_id="tr-anon-2", email="Frank@X.org")
    s.profiles = [
        {"anonymous_id:tr-anon-1", "anonymous_id:tr-anon-2", "email:frank@x.org", "user_id:u-frank"}
    ]
    return s


def second_device_login() -> Scenario:
    s = Scenario("second")
    s.add("1", "page", anonymous_id="gi-web")
    s.add("2", "identify", user_id="u-gina", anonymous_id="gi-web")
    s.add("3", "screen", anonymous_id="gi-app", device_id="gi-phone", advertising_id="AAAA-BBBB")
    s.add("4", "identify", user_id="u-gina", anonymous_id="gi-app", device_id="gi-phone")
    s.add("5", "screen", anonymous_id="gi-app", device_id="gi-phone", advertising_id="aaaa-bbbb")
    s.profiles = [
        {
            "user_id:u-gina",
            "anonymous_id:gi-web",
            "anonymous_id:gi-app",
            "device_id:gi-phone",
            "advertising_id:aaaa-bbbb",
        }
    ]
    return s


def external_ids() -> Scenario:
    s = Scenario("extid")
    s.add(
        "1",
        "identify",
        anonymous_id="ex-anon-1",
        external_ids=[{"id": "L-100", "type": "loyalty_id", "collection": "users", "encoding": "none"}],
    )
    s.add(
        "2",
        "identify",
        user_id="u-hana",
        external_ids=[{"id": "L-100", "type": "loyalty_id", "collection": "users", "encoding": "none"}],
    )
    s.add("3", "identify", anonymous_id="ex-anon-3", traits={"loyalty_id": "L-100"})
    s.profiles = [{"anonymous_id:ex-anon-1", "anonymous_id:ex-anon-3", "loyalty_id:L-100", "user_id:u-hana"}]
    return s


ALL = [
    shared_browser,
    junk_identifiers,
    alias_chain,
    kiosk_hub,
    email_case_and_spaces,
    phone_formats,
    phone_countries,
    identify_traits_only,
    second_device_login,
    external_ids,
]
