"""`cdp import amazon_in <folder>`: amazon.in category listing scrapes (2023) as competitor price observations.

Each CSV row is one product card seen on a search-result page; it becomes one observation of
competitor `amazon_in`, listing key = the ASIN from `/dp/<ASIN>/` in the link, observed at the
search time (`qid=<epoch seconds>` in the link, UTC). The sale price is `discount_price`, or
`actual_price` when the card shows no discount; prices stay as scraped text ("₹1,299") and are
parsed by the warehouse like every other scraped price. Writes
`<landing>/competitors/<source>/price_observations.csv` (the generator's columns plus
`listing_url`, the canonical `https://www.amazon.in/dp/<ASIN>`), replacing a previous import.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from cdp.importers._common import ImporterError, ImportReport, iso_utc

COLUMNS = (
    "competitor", "listing_key", "gtin", "sku", "price_text", "list_price_text", "currency", "in_stock",
    "rating", "review_count", "observed_at", "listing_url",
)  # fmt: skip
REQUIRED = ("name", "link", "ratings", "no_of_ratings", "discount_price", "actual_price")
_ASIN = re.compile(r"/dp/([A-Z0-9]{10})")
_QID = re.compile(r"[?&]qid=(\d+)")


def write_observations(rows: Iterable[dict[str, str]], landing: Path, source_name: str) -> tuple[Path, int]:
    """Write observation rows to `<landing>/competitors/<source_name>/price_observations.csv`.

    Written to a temporary file first and moved into place only when complete, so a failed import
    leaves the previous one untouched. Returns (path, rows written).
    """
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", source_name):
        raise ImporterError(
            f"Source name {source_name!r} is not a plain folder name. Use letters, digits, '_', '-'"
        )
    target_dir = Path(landing) / "competitors" / source_name
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / "price_observations.csv"
    partial = target_dir / ".price_observations.csv.partial"
    count = 0
    try:
        with open(partial, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
                count += 1
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    return target, count


def _files(path: Path) -> list[Path]:
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    if not files:
        raise ImporterError(f"{path}: no .csv files. Pass the folder of amazon.in category CSVs")
    return files


def iter_observations(path: Path, report: ImportReport) -> Iterator[dict[str, str]]:
    """One observation per product card, in file and row order."""
    for file in _files(Path(path)):
        report.files.append(file)
        with open(file, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise ImporterError(
                    f"{file}: missing column(s) {', '.join(missing)}. Is this an amazon.in category export?"
                )
            for row in reader:
                report.rows += 1
                link = row.get("link") or ""
                asin = _ASIN.search(link)
                qid = _QID.search(link)
                if not asin:
                    report.counts["rows without ASIN (kept, quarantined downstream)"] += 1
                observed = iso_utc(datetime.fromtimestamp(int(qid.group(1)), UTC)) if qid else ""
                sale = (row.get("discount_price") or "").strip()
                listed = (row.get("actual_price") or "").strip()
                yield {
                    "competitor": "amazon_in",
                    "listing_key": asin.group(1) if asin else "",
                    "gtin": "",
                    "sku": "",
                    "price_text": sale or listed,
                    "list_price_text": listed,
                    "currency": "INR",
                    "in_stock": "",
                    "rating": (row.get("ratings") or "").strip(),
                    "review_count": (row.get("no_of_ratings") or "").strip(),
                    "observed_at": observed,
                    "listing_url": f"https://www.amazon.in/dp/{asin.group(1)}" if asin else link,
                }


def run_import(path: Path, landing: Path, source_name: str) -> str:
    report = ImportReport()
    target, count = write_observations(iter_observations(Path(path), report), landing, source_name)
    return f"amazon_in: {count:,} price observations from {len(report.files)} file(s) -> {target}"
