"""Tests of `cdp generate`: determinism, and expected.json / ground truth re-derived from the raw files.

Everything here re-reads the landed files with plain `json` and an independent classifier
(not the generator's own code), so a bookkeeping slip in the generator shows up as a mismatch.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from collections import Counter, defaultdict
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest

from cdp.generate import WorldExistsError, generate_world

REPO = Path(__file__).resolve().parents[1]
N_EVENTS = 4000
SEED = 7
ROWS_PER_FILE = 600  # small, so the bigger sources span several files

VALID_TYPES = {"track", "page", "screen", "identify", "alias", "group"}
VARIANTS = {
    "order_completed": "Order Completed",
    "Order completed": "Order Completed",
    "Completed Order": "Order Completed",
    "product viewed": "Product Viewed",
    "Viewed Product": "Product Viewed",
    "Added Product": "Product Added",
    "productAdded": "Product Added",
}
REASONS = {
    "invalid_json", "missing_type", "unknown_type", "missing_message_id", "missing_identity",
    "unparseable_timestamp", "non_numeric_amount", "non_numeric_price",
}  # fmt: skip
JUNK = {"", "null", "undefined", "none", "anonymous", "0", "-1", "[object Object]", "[object object]", "test@test.com",
        "00000000-0000-0000-0000-000000000000"}  # fmt: skip
TIME_FIELDS = ("timestamp", "originalTimestamp", "sentAt", "receivedAt")
AMOUNTS = ("revenue", "total", "subtotal", "shipping", "tax", "discount", "value")


# --------------------------------------------------------------------------------- reference checks
def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _numeric(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        float(str(value))
        return True
    except ValueError:
        return False


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000 + 0.5)


def problems(msg: dict) -> list[str]:
    """Every quarantine reason a parsed message has (the generator promises at most one)."""
    found = []
    mtype = _text(msg.get("type"))
    if mtype is None:
        found.append("missing_type")
    elif mtype.lower() not in VALID_TYPES:
        found.append("unknown_type")
    if _text(msg.get("messageId")) is None:
        found.append("missing_message_id")
    if _text(msg.get("userId")) is None and _text(msg.get("anonymousId")) is None:
        found.append("missing_identity")
    for field in TIME_FIELDS:
        if _text(msg.get(field)) is not None:
            try:
                datetime.fromisoformat(msg[field])
            except ValueError:
                found.append("unparseable_timestamp")
                break
    if msg.get("type") == "track" and _text(msg.get("event")) is None:
        found.append("missing_event_name")
    props = msg.get("properties") or {}
    if any(props.get(k) not in (None, "") and not _numeric(props[k]) for k in AMOUNTS):
        found.append("non_numeric_amount")
    prices = [props.get("price")] + [p.get("price") for p in props.get("products") or []]
    if any(p not in (None, "") and not _numeric(p) for p in prices):
        found.append("non_numeric_price")
    return found


def canonical(event: str) -> str:
    return VARIANTS.get(event, event)


def event_at(msg: dict) -> int:
    if all(_text(msg.get(f)) for f in ("receivedAt", "sentAt", "originalTimestamp")):
        return _ms(msg["receivedAt"]) - (_ms(msg["sentAt"]) - _ms(msg["originalTimestamp"]))
    return _ms(msg.get("timestamp") or msg.get("originalTimestamp") or msg["receivedAt"])


def e164(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return "+1" + digits


def cents(value: float) -> int:
    return int(Decimal(str(value)) * 100)


# --------------------------------------------------------------------------------- reading a world
class World:
    """A generated world re-read from disk."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.landing = root / "landing"
        self.expected = json.loads((root / "ground_truth" / "expected.json").read_text())
        self.files: dict[str, dict] = {}
        self.valid: list[tuple[str, dict]] = []  # (source, message), first copies only
        self.line_problems: list[tuple[str, int, list[str]]] = []  # (file, line, problems) of malformed lines
        self.received: dict[str, list[int]] = defaultdict(list)
        seen: set[str] = set()
        for path in sorted((self.landing / "segment").glob("*/*.jsonl.gz")):
            rel = path.relative_to(self.landing).as_posix()
            source = path.parent.name
            stats = {"lines": 0, "messages": 0, "duplicate_copies": 0, "malformed": Counter()}
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    stats["lines"] += 1
                    try:
                        parsed = json.loads(line)
                    except json.JSONDecodeError:
                        stats["malformed"]["invalid_json"] += 1
                        self.line_problems.append((rel, number, ["invalid_json"]))
                        continue
                    messages = parsed["batch"] if "batch" in parsed else [parsed]
                    stats["messages"] += len(messages)
                    for msg in messages:
                        found = problems(msg)
                        if found:
                            stats["malformed"][found[0]] += 1
                            self.line_problems.append((rel, number, found))
                            continue
                        self.received[source].append(_ms(msg["receivedAt"]))
                        if msg["messageId"] in seen:
                            stats["duplicate_copies"] += 1
                            continue
                        seen.add(msg["messageId"])
                        self.valid.append((source, msg))
            stats["malformed"] = {k: v for k, v in stats["malformed"].items() if v}
            self.files[rel] = stats
        with gzip.open(root / "ground_truth" / "messages.csv.gz", "rt", encoding="utf-8") as handle:
            self.truth = list(csv.DictReader(handle))
        with open(root / "ground_truth" / "identifiers.csv", encoding="utf-8") as handle:
            self.identifiers = list(csv.DictReader(handle))
        with open(root / "ground_truth" / "malformed.csv", encoding="utf-8") as handle:
            self.malformed_truth = list(csv.DictReader(handle))


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def world_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    a = tmp_path_factory.mktemp("world_a")
    b = tmp_path_factory.mktemp("world_b")
    for root in (a, b):
        generate_world(root, N_EVENTS, SEED, False, rows_per_file=ROWS_PER_FILE)
    return a, b


@pytest.fixture(scope="module")
def world(world_dirs: tuple[Path, Path]) -> World:
    return World(world_dirs[0])


# --------------------------------------------------------------------------------- tests
def test_same_seed_gives_byte_identical_files(world_dirs: tuple[Path, Path]) -> None:
    a, b = world_dirs
    digests_a, digests_b = _digests(a), _digests(b)
    assert digests_a == digests_b
    assert "ground_truth/expected.json" in digests_a
    assert not any(".partial" in p or "_incoming/" in p and not p.endswith("/") for p in digests_a)


def test_another_seed_gives_another_world(tmp_path: Path, world_dirs: tuple[Path, Path]) -> None:
    generate_world(tmp_path, 300, SEED + 1, False)
    other = _digests(tmp_path)
    assert other["ground_truth/expected.json"] != _digests(world_dirs[0])["ground_truth/expected.json"]


def test_layout_and_size(world: World) -> None:
    landing = world.landing
    assert (landing / "catalog" / "products.csv").is_file()
    assert (landing / "competitors" / "price_observations.csv").is_file()
    assert (landing / "competitors" / "bestseller_ranks.csv").is_file()
    assert (landing / "competitors" / "trending_searches.csv").is_file()
    sources = {p.name for p in (landing / "segment").iterdir()}
    assert sources == {"web", "ios", "android", "server", "pos", "email", "marketplace"}
    assert len(list((landing / "segment" / "web").glob("part-*.jsonl.gz"))) > 1
    total = world.expected["totals"]["messages"]
    assert abs(total - N_EVENTS) <= 0.1 * N_EVENTS
    assert world.expected["persons"] == len({row["person_id"] for row in world.truth})


def test_expected_files_match_what_landed(world: World) -> None:
    expected_files = {k: v for k, v in world.expected["files"].items() if k.startswith("segment/")}
    assert expected_files == world.files
    totals = world.expected["totals"]
    assert totals["lines"] == sum(f["lines"] for f in world.files.values())
    assert totals["messages"] == sum(f["messages"] for f in world.files.values())
    assert totals["duplicate_copies"] == world.expected["duplicate_copies"]
    assert totals["duplicate_copies"] == sum(f["duplicate_copies"] for f in world.files.values())
    assert totals["distinct_valid_messages"] == len(world.valid)
    for rel, counts in world.expected["files"].items():
        if not rel.startswith("segment/"):
            with open(world.landing / rel, encoding="utf-8") as handle:
                assert sum(1 for _ in handle) == counts["lines"]


def test_malformed_lines_have_exactly_one_known_problem(world: World) -> None:
    assert world.line_problems, "the sample should contain malformed lines"
    for rel, number, found in world.line_problems:
        assert len(found) == 1 and found[0] in REASONS, (rel, number, found)
    counted = Counter(found[0] for _, _, found in world.line_problems)
    assert {r: n for r, n in world.expected["malformed_lines"].items() if n} == dict(counted)
    assert set(world.expected["malformed_lines"]) == REASONS
    truth = [(row["file"], int(row["line"]), row["reason"]) for row in world.malformed_truth]
    assert sorted(truth) == sorted((rel, number, found[0]) for rel, number, found in world.line_problems)
    generic = REASONS - {"non_numeric_amount", "non_numeric_price"}
    assert generic <= set(counted), "every generic reason should occur even in a small world"


def test_message_counts_by_type_source_and_event(world: World) -> None:
    by_type = Counter(msg["type"] for _, msg in world.valid)
    by_source = Counter(source for source, _ in world.valid)
    by_event = Counter(canonical(msg["event"]) for _, msg in world.valid if msg["type"] == "track")
    variants = Counter(
        msg["event"] for _, msg in world.valid if msg["type"] == "track" and msg["event"] in VARIANTS
    )
    assert world.expected["messages_by_type"] == dict(by_type)
    assert {s: n for s, n in world.expected["messages_by_source"].items() if n} == dict(by_source)
    assert world.expected["track_events_by_canonical_name"] == dict(by_event)
    assert world.expected["track_event_name_variants"] == dict(variants)
    assert {"track", "page", "screen", "identify", "alias"} <= set(by_type) <= VALID_TYPES


def test_orders_revenue_and_product_lines(world: World) -> None:
    orders: dict[str, dict] = {}
    lines = missing = 0
    for _, msg in world.valid:
        if msg["type"] != "track" or canonical(msg["event"]) != "Order Completed":
            continue
        props = msg["properties"]
        lines += len(props["products"])
        missing += sum(1 for p in props["products"] if "product_id" not in p)
        gross = sum(cents(p["price"]) * p["quantity"] for p in props["products"])
        assert cents(props["subtotal"]) == gross - cents(props["discount"]), props["order_id"]
        assert props["revenue"] == props["subtotal"]
        assert cents(props["total"]) == cents(props["subtotal"]) + cents(props["shipping"]) + cents(
            props["tax"]
        )
        if props["order_id"] in orders:
            assert orders[props["order_id"]] == props  # client and server send the same order
        orders[props["order_id"]] = props
    revenue: Counter[str] = Counter()
    for props in orders.values():
        revenue[props["currency"]] += cents(props["revenue"])
    expected = world.expected["orders"]
    assert expected["distinct_orders"] == len(orders)
    assert expected["revenue_by_currency"] == {c: v / 100 for c, v in sorted(revenue.items())}
    assert expected["product_lines"] == sum(len(p["products"]) for p in orders.values())
    assert expected["product_lines_missing_product_id"] == sum(
        1 for p in orders.values() for line in p["products"] if "product_id" not in line
    )
    assert world.expected["order_completed_product_lines"] == lines
    assert world.expected["order_completed_product_lines_missing_product_id"] == missing
    assert missing >= 1


def test_times_skew_far_future_and_order(world: World) -> None:
    far = 0
    for _, msg in world.valid:
        received = _ms(msg["receivedAt"])
        if "originalTimestamp" in msg:  # Segment's skew correction is already in `timestamp`
            assert _ms(msg["timestamp"]) == received - (_ms(msg["sentAt"]) - _ms(msg["originalTimestamp"]))
        far += event_at(msg) > received + 3_600_000
    assert world.expected["far_future_events"] == far
    for source, received in world.received.items():
        assert received == sorted(received), f"{source} is not in receivedAt order"


def test_ground_truth_covers_every_valid_message(world: World) -> None:
    truth_ids = [row["message_id"] for row in world.truth]
    assert len(truth_ids) == len(set(truth_ids))
    assert set(truth_ids) == {msg["messageId"] for _, msg in world.valid}


def test_identifiers_match_the_messages(world: World) -> None:
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in world.identifiers:
        owners[(row["identifier_type"], row["identifier_value"])].add(row["person_id"])
        assert row["identifier_value"] not in JUNK
    person_of = {row["message_id"]: row["person_id"] for row in world.truth}
    seen: set[tuple[str, str]] = set()
    for _, msg in world.valid:
        person = person_of[msg["messageId"]]
        ctx = msg.get("context") or {}
        traits = msg.get("traits") or ctx.get("traits") or {}
        device = ctx.get("device") or {}
        candidates = []
        if msg["type"] != "alias":  # an alias chain's userId may be an anonymousId
            candidates.append(("user_id", msg.get("userId")))
        candidates += [
            ("anonymous_id", msg.get("anonymousId")),
            ("device_id", device.get("id")),
            ("advertising_id", device.get("advertisingId")),
        ]
        if isinstance(traits.get("email"), str):
            candidates.append(("email", traits["email"].strip().lower()))
        if isinstance(traits.get("phone"), str):
            candidates.append(("phone", e164(traits["phone"])))
        if traits.get("loyalty_id"):
            candidates.append(("loyalty_id", traits["loyalty_id"]))
        for ext in ctx.get("externalIds") or []:
            candidates.append((ext["type"], ext["id"]))
        for key in candidates:
            if not isinstance(key[1], str) or key[1].strip() in JUNK:
                continue
            assert person in owners.get(key, set()), (key, person, msg["messageId"])
            seen.add(key)
    assert set(owners) == seen, "every ground-truth identifier appears in some valid message"
    kinds = {t for t, _ in owners}
    assert {"user_id", "anonymous_id", "email", "device_id", "loyalty_id"} <= kinds


def test_existing_world_needs_force(tmp_path: Path) -> None:
    generate_world(tmp_path, 300, 1, False, rows_per_file=100)
    with pytest.raises(WorldExistsError, match="--force"):
        generate_world(tmp_path, 300, 1, False)
    with pytest.raises(FileExistsError):
        generate_world(tmp_path, 300, 1, False)
    other_source = tmp_path / "landing" / "segment" / "ga4" / "part-00001.jsonl"
    other_source.parent.mkdir(parents=True)
    other_source.write_text('{"type":"track"}\n')
    stale = tmp_path / "landing" / "segment" / "web" / "part-09999.jsonl.gz"
    stale.write_bytes(b"old")
    before = _digests(tmp_path / "ground_truth")
    generate_world(tmp_path, 300, 1, True, rows_per_file=100)
    assert not stale.exists()
    assert other_source.read_text() == '{"type":"track"}\n'  # other sources are left alone
    assert _digests(tmp_path / "ground_truth") == before
    assert not list(tmp_path.glob(".cdp-generate-*"))


# --------------------------------------------------------------------------------- catalog and market data
def _csv_rows(world: World, rel: str) -> list[dict[str, str]]:
    with open(world.landing / rel, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _source_columns(yml: str, table: str) -> list[str]:
    """The columns a dbt source reads from its landed CSVs (the struct_pack of its read_csv)."""
    block = (REPO / yml).read_text(encoding="utf-8").split(f"- name: {table}\n", 1)[1]
    match = re.search(r"struct_pack\((.*?)\)", block, re.S)
    assert match, (yml, table)
    return re.findall(r"(\w+) :=", match.group(1))


@pytest.mark.parametrize(
    ("yml", "table", "rel"),
    [
        ("models/staging/catalog/_catalog__sources.yml", "products", "catalog/products.csv"),
        ("models/staging/competitors/_competitors__sources.yml", "price_observations",
         "competitors/price_observations.csv"),
        ("models/staging/competitors/_competitors__sources.yml", "bestseller_ranks",
         "competitors/bestseller_ranks.csv"),
        ("models/staging/competitors/_competitors__sources.yml", "trending_searches",
         "competitors/trending_searches.csv"),
    ],
)  # fmt: skip
def test_landed_csv_columns_are_what_the_warehouse_reads(
    world: World, yml: str, table: str, rel: str
) -> None:
    with open(world.landing / rel, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    columns = _source_columns(yml, table)
    if table == "price_observations":
        columns.remove("listing_url")  # optional trailing column
    assert header == columns


def test_catalog_history(world: World) -> None:
    rows = _csv_rows(world, "catalog/products.csv")
    expected = world.expected["catalog"]
    assert expected["versions"] == len(rows) == world.expected["files"]["catalog/products.csv"]["rows"]
    by_product: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_product[row["product_id"]].append(row)
    assert expected["products"] == len(by_product)
    assert len({(r["product_id"], r["valid_from"]) for r in rows}) == len(rows)  # stg primary key
    assert [r["product_id"] for r in rows] == sorted(r["product_id"] for r in rows)
    changed = {pid: versions for pid, versions in by_product.items() if len(versions) > 1}
    assert 1 <= len(changed) <= 0.25 * len(by_product)
    start, end = (
        world.expected["generator"]["period"]["start"][:10],
        world.expected["generator"]["period"]["end"][:10],
    )
    for pid, (first, second, *more) in changed.items():
        assert not more, pid
        assert first["valid_from"] < start < second["valid_from"] < end, pid
        assert first["list_price"] != second["list_price"], pid
        fixed = set(first) - {"list_price", "inventory_status", "valid_from"}
        assert {k: first[k] for k in fixed} == {k: second[k] for k in fixed}, pid
    for versions in by_product.values():
        assert versions[0]["valid_from"] < start


def test_review_counts_never_shrink(world: World) -> None:
    history: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for row in _csv_rows(world, "competitors/price_observations.csv"):
        history[(row["competitor"], row["listing_key"])].append((row["observed_at"], row["review_count"]))
    grew = 0
    for key, observations in history.items():
        counts = [c for _, c in sorted(observations)]
        assert all(c == "" for c in counts) or all(c.isdigit() for c in counts), key
        numbers = [int(c) for c in counts if c]
        assert numbers == sorted(numbers), key
        grew += sum(1 for a, b in pairwise(numbers) if b > a)
    assert grew > len(history)  # plenty of new-review events


def _lists(rows: list[dict[str, str]], item: str) -> dict[tuple[str, str, str], list[tuple[int, str]]]:
    lists: dict[tuple[str, str, str], list[tuple[int, str]]] = defaultdict(list)
    for row in rows:
        lists[(row["competitor"], row["category"], row["observed_at"])].append((int(row["rank"]), row[item]))
    return lists


def test_bestseller_ranks(world: World) -> None:
    rows = _csv_rows(world, "competitors/bestseller_ranks.csv")
    assert world.expected["files"]["competitors/bestseller_ranks.csv"]["rows"] == len(rows)
    assert world.expected["competitors"]["bestseller_ranks"] == len(rows)
    names = set(world.expected["competitors"]["names"])
    lists = _lists(rows, "listing_key")
    days: dict[tuple[str, str], set[str]] = defaultdict(set)
    sizes: dict[tuple[str, str], set[int]] = defaultdict(set)
    for (competitor, category, observed), entries in lists.items():
        assert competitor in names
        ranks = [r for r, _ in entries]
        assert ranks == list(range(1, len(ranks) + 1)), (competitor, category, observed)
        assert len({key for _, key in entries}) == len(entries)
        assert 10 <= len(entries) <= 20
        days[(competitor, category)].add(observed[:10])
        sizes[(competitor, category)].add(len(entries))
    period = world.expected["generator"]["period"]
    assert all(len(d) == period["days"] for d in days.values())  # one list a day, every day
    assert all(len(s) == 1 for s in sizes.values())  # a list's length is fixed
    assert min(min(d) for d in days.values()) == period["start"][:10]
    assert 2 <= len({c for c, _ in days}) <= len(names)
    listed = {
        (r["competitor"], r["listing_key"]) for r in _csv_rows(world, "competitors/price_observations.csv")
    }
    ranked = {(c, key) for (c, _, _), entries in lists.items() for _, key in entries}
    assert ranked & listed and ranked - listed  # our products' listings and products we do not sell


def test_trending_searches(world: World) -> None:
    rows = _csv_rows(world, "competitors/trending_searches.csv")
    assert world.expected["files"]["competitors/trending_searches.csv"]["rows"] == len(rows)
    assert world.expected["competitors"]["trending_searches"] == len(rows)
    lists = _lists(rows, "search_term")
    for key, entries in lists.items():
        assert [r for r, _ in entries] == list(range(1, 11)), key
        assert len({term for _, term in entries}) == 10 and all(term for _, term in entries), key
    holiday = Counter(
        observed[:7] for (_, _, observed), entries in lists.items() for rank, term in entries
        if "black friday" in term and rank <= 3
    )  # fmt: skip
    assert holiday["2026-11"] > 10 * holiday["2026-09"]
