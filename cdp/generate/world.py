"""`generate_world`: plan the people, emit their messages in time order, write catalog and truth."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import tempfile
import time
from array import array
from collections import Counter
from pathlib import Path
from typing import Any

from cdp.generate._base import (
    DAY_SEC,
    MALFORMED_REASONS,
    PERIOD_DAYS,
    PERIOD_END_ISO,
    PERIOD_START_ISO,
    SOURCES,
    START_MS,
    Clock,
    cents_to_amount,
)
from cdp.generate.catalog import Catalog, n_products_for
from cdp.generate.competitors import write_bestseller_ranks, write_price_observations, write_trending_searches
from cdp.generate.emit import Emitter
from cdp.generate.people import IDENTIFIER_TYPES, Planner
from cdp.generate.privacy import write_privacy_requests
from cdp.generate.sessions import SessionBuilder
from cdp.landing import clear_source, segment_dir

GENERATOR_VERSION = 2
PROGRESS_FROM = 100_000  # print progress to stderr from this many events
_TMP_PREFIX = ".cdp-generate-"


class WorldExistsError(FileExistsError):
    """OUT already holds a generated world and --force was not given."""


def default_rows_per_file(n_events: int) -> int:
    """Lines per landed file: about ten files for the biggest source, between 5k and 250k lines."""
    return max(5_000, min(250_000, n_events // 10))


def _world_paths(out_dir: Path) -> dict[str, Path]:
    landing = out_dir / "landing"
    return {
        "landing": landing,
        "catalog": landing / "catalog" / "products.csv",
        "competitors": landing / "competitors" / "price_observations.csv",
        "bestsellers": landing / "competitors" / "bestseller_ranks.csv",
        "trending": landing / "competitors" / "trending_searches.csv",
        "truth": out_dir / "ground_truth",
    }


_CSV_KEYS = ("catalog", "competitors", "bestsellers", "trending")


def _existing_world(out_dir: Path) -> list[str]:
    paths = _world_paths(out_dir)
    found = []
    for src in SOURCES:
        folder = segment_dir(paths["landing"], src)
        if folder.is_dir() and any(p.is_file() for p in folder.iterdir()):
            found.append(str(folder))
    for key in _CSV_KEYS:
        if paths[key].exists():
            found.append(str(paths[key]))
    if paths["truth"].is_dir() and any(paths["truth"].iterdir()):
        found.append(str(paths["truth"]))
    return found


def _clear_world(out_dir: Path) -> None:
    """Remove what a previous run wrote (only the generator's own sources and files)."""
    paths = _world_paths(out_dir)
    for src in SOURCES:
        clear_source(paths["landing"], src)
        incoming = paths["landing"] / "_incoming" / src
        if incoming.is_dir():
            shutil.rmtree(incoming)
    for key in _CSV_KEYS:
        paths[key].unlink(missing_ok=True)
        paths[key].with_name(paths[key].name + ".partial").unlink(missing_ok=True)
    if paths["truth"].is_dir():
        shutil.rmtree(paths["truth"])
    if out_dir.is_dir():
        for stale in out_dir.glob(_TMP_PREFIX + "*"):
            shutil.rmtree(stale, ignore_errors=True)


class _DayBuckets:
    """Session records spilled to one small binary file per day, so planning memory stays flat."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.buffers = [array("Q") for _ in range(PERIOD_DAYS)]
        self.buffered = 0

    def add(self, t_sec: int, person: int, k: int, meta: int, flags: int) -> None:
        buf = self.buffers[t_sec // DAY_SEC]
        buf.append(t_sec << 32 | person)
        buf.append(k << 32 | meta)
        buf.append(flags)
        self.buffered += 1
        if self.buffered >= 100_000:
            self.flush()

    def flush(self) -> None:
        for day, buf in enumerate(self.buffers):
            if buf:
                with open(self.folder / f"day-{day:02d}.bin", "ab") as handle:
                    buf.tofile(handle)
                self.buffers[day] = array("Q")
        self.buffered = 0

    def read(self, day: int) -> list[tuple[int, int, int, int, int]]:
        """The day's sessions sorted by start second (ties keep planning order)."""
        path = self.folder / f"day-{day:02d}.bin"
        if not path.exists():
            return []
        words = array("Q")
        words.frombytes(path.read_bytes())
        path.unlink()
        records = [
            (
                words[i] >> 32,
                words[i] & 0xFFFFFFFF,
                words[i + 1] >> 32,
                words[i + 1] & 0xFFFFFFFF,
                words[i + 2],
            )
            for i in range(0, len(words), 3)
        ]
        records.sort(key=lambda r: r[0])
        return records


def _write_catalog(catalog: Catalog, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    rows = catalog.write_csv(tmp)
    os.replace(tmp, path)
    return rows


def generate_world(
    out_dir: Path,
    n_events: int,
    seed: int,
    force: bool,
    *,
    rows_per_file: int | None = None,
    progress: bool | None = None,
) -> str:
    """Generate the deterministic sample shop world under `out_dir`; returns a short summary.

    `n_events` is the approximate number of Segment messages (±10%; duplicates add ~1%).
    `rows_per_file` overrides the lines per landed file; `progress` forces progress lines on
    stderr on or off (default: on from 100k events).
    """
    out_dir = Path(out_dir)
    if n_events < 1:
        raise ValueError(f"--events must be at least 1, got {n_events}")
    found = _existing_world(out_dir)
    if found and not force:
        raise WorldExistsError(
            f"{out_dir} already holds a generated world ({found[0]}"
            f"{f' and {len(found) - 1} more' if len(found) > 1 else ''}). "
            "Re-run with --force to replace it, or pick another --out."
        )
    _clear_world(out_dir)
    try:
        return _generate(out_dir, n_events, seed, rows_per_file or default_rows_per_file(n_events),
                         n_events >= PROGRESS_FROM if progress is None else progress)  # fmt: skip
    except BaseException:
        _clear_world(out_dir)  # never leave half a world behind
        raise


def _generate(out_dir: Path, n_events: int, seed: int, rows_per_file: int, progress: bool) -> str:
    started = time.monotonic()
    paths = _world_paths(out_dir)
    truth = paths["truth"]
    truth.mkdir(parents=True, exist_ok=True)
    paths["landing"].mkdir(parents=True, exist_ok=True)
    clock = Clock()

    def say(text: str) -> None:
        if progress:
            print(f"cdp generate: {text} ({time.monotonic() - started:.0f}s)", file=sys.stderr, flush=True)

    catalog = Catalog(seed, n_products_for(n_events))
    n_products = len(catalog.products)
    n_versions = _write_catalog(catalog, paths["catalog"])

    with tempfile.TemporaryDirectory(dir=out_dir, prefix=_TMP_PREFIX) as tmp:
        # phase 1: persons and their session plans, until the plans add up to n_events messages
        buckets = _DayBuckets(Path(tmp))
        planned = persons = 0
        identifier_counts: Counter[str] = Counter()
        with open(truth / "identifiers.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(("identifier_type", "identifier_value", "person_id"))
            for plan in Planner(seed).units():
                for record in plan.records:
                    buckets.add(*record)
                writer.writerows(plan.identifiers)
                for row in plan.identifiers:
                    identifier_counts[row[0]] += 1
                planned += plan.messages
                persons += len(plan.persons)
                if planned >= n_events:
                    break
        buckets.flush()
        say(f"planned {planned:,} messages for {persons:,} persons")

        # phase 2: sessions in start order; the delay queue writes everything received before
        emitter = Emitter(seed, paths["landing"], truth, rows_per_file, clock)
        builder = SessionBuilder(seed, catalog, emitter)
        emitter.open()
        ok = False
        try:
            step = max(planned // 10, 1)
            next_report = step
            for day in range(PERIOD_DAYS):
                for t_sec, person, k, meta, flags in buckets.read(day):
                    emitter.flush_until(START_MS + t_sec * 1000)
                    builder.run(t_sec, person, k, meta, flags)
                    if emitter.emitted >= next_report:
                        say(f"{emitter.emitted:,}/{planned:,} messages, day {day + 1}/{PERIOD_DAYS}")
                        next_report += step
            ok = True
        finally:
            emitter.close(ok)
    if emitter.emitted != planned:
        raise RuntimeError(f"emitted {emitter.emitted} messages but planned {planned}")

    observations, competitors = write_price_observations(_partial(paths["competitors"]), catalog, seed, clock)
    os.replace(_partial(paths["competitors"]), paths["competitors"])
    ranks = write_bestseller_ranks(_partial(paths["bestsellers"]), catalog, seed, clock)
    os.replace(_partial(paths["bestsellers"]), paths["bestsellers"])
    searches = write_trending_searches(_partial(paths["trending"]), seed, clock)
    os.replace(_partial(paths["trending"]), paths["trending"])
    say(
        f"wrote {observations:,} competitor price observations, {ranks:,} bestseller ranks, {searches:,} searches"
    )

    files = emitter.files()
    expected = _expected(
        seed, n_events, rows_per_file, persons, files, emitter, builder, identifier_counts,
        n_products, n_versions, observations, competitors, ranks, searches,
    )  # fmt: skip
    expected_path = truth / "expected.json"
    tmp_expected = _partial(expected_path)
    tmp_expected.write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp_expected, expected_path)
    # last, and from hashes of the seed and the ground truth only: no other generated file changes
    write_privacy_requests(paths["landing"], truth, seed)

    totals = expected["totals"]
    return (
        f"Generated the sample world in {out_dir} (seed {seed}): {totals['messages']:,} messages in "
        f"{totals['lines']:,} lines across {len(files)} files ({totals['duplicate_copies']:,} duplicate copies, "
        f"{totals['malformed_lines']:,} malformed lines) from {persons:,} persons; {n_products:,} products "
        f"({n_versions:,} versions), {observations:,} competitor price observations, {ranks:,} bestseller ranks, "
        f"{searches:,} trending searches; ground truth in {truth}. "
        f"{time.monotonic() - started:.1f}s"
    )


def _partial(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(path.name + ".partial")


def _expected(
    seed: int,
    n_events: int,
    rows_per_file: int,
    persons: int,
    files: dict[str, dict[str, Any]],
    emitter: Emitter,
    builder: SessionBuilder,
    identifier_counts: Counter[str],
    n_products: int,
    n_versions: int,
    observations: int,
    competitors: list[str],
    ranks: int,
    searches: int,
) -> dict[str, Any]:
    """expected.json: exact counts known by construction (see the package docstring for the schema)."""
    lines = sum(f["lines"] for f in files.values())
    messages = sum(f["messages"] for f in files.values())
    malformed = {r: emitter.malformed[r] for r in MALFORMED_REASONS}
    all_files = dict(files)
    all_files["catalog/products.csv"] = {"lines": n_versions + 1, "rows": n_versions}
    all_files["competitors/price_observations.csv"] = {"lines": observations + 1, "rows": observations}
    all_files["competitors/bestseller_ranks.csv"] = {"lines": ranks + 1, "rows": ranks}
    all_files["competitors/trending_searches.csv"] = {"lines": searches + 1, "rows": searches}
    return {
        "generator": {
            "name": "cdp.generate",
            "version": GENERATOR_VERSION,
            "seed": seed,
            "events_requested": n_events,
            "rows_per_file": rows_per_file,
            "period": {"start": PERIOD_START_ISO, "end": PERIOD_END_ISO, "days": PERIOD_DAYS},
        },
        "persons": persons,
        "files": all_files,
        "totals": {
            "lines": lines,
            "messages": messages,
            "distinct_valid_messages": emitter.valid,
            "duplicate_copies": emitter.duplicates,
            "malformed_lines": sum(malformed.values()),
        },
        "duplicate_copies": emitter.duplicates,
        "malformed_lines": malformed,
        "messages_by_type": dict(sorted(emitter.by_type.items())),
        "messages_by_source": {s: emitter.by_source[s] for s in SOURCES},
        "track_events_by_canonical_name": dict(sorted(emitter.by_event.items())),
        "track_event_name_variants": dict(sorted(emitter.variants.items())),
        "orders": {
            "distinct_orders": builder.orders,
            "revenue_by_currency": {c: cents_to_amount(v) for c, v in sorted(builder.revenue_cents.items())},
            "product_lines": builder.order_lines,
            "product_lines_missing_product_id": builder.order_lines_missing,
        },
        "order_completed_product_lines": emitter.oc_lines,
        "order_completed_product_lines_missing_product_id": emitter.oc_lines_missing,
        "far_future_events": emitter.far_future,
        "noise": {
            "junk_user_id_messages": emitter.junk_user_ids,
            "timestamps_with_offset": emitter.offsets,
            "clock_skewed_messages": emitter.skewed,
            "late_messages": emitter.late,
        },
        "identifiers_by_type": {t: identifier_counts[t] for t in IDENTIFIER_TYPES},
        "catalog": {"products": n_products, "versions": n_versions},
        "competitors": {
            "names": competitors,
            "observations": observations,
            "bestseller_ranks": ranks,
            "trending_searches": searches,
        },
    }
