"""`cdp import tiki_shopee <folder>`: tiki.vn / shopee.vn price-tracking history as competitor observations.

One observation per row of `history/<itemid>.csv`: competitor = the row's `source` (tiki or
shopee), listing key = `itemid`, price and list price (`price_before_discount`) in VND, in stock
unless `item_status` is `sold_out` or `stock` is 0, review count = `cmt_count`. The time comes
from `time` (UTC epoch seconds), never from `date`, which is Vietnam local time (UTC+7) on the
first rows of each file and UTC afterwards. `listing_url` is the product URL from
`info/<itemid>.yaml`, else the first non-empty `url` of the history file, so it is stable per listing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from cdp.importers._common import ImporterError, ImportReport, iso_utc
from cdp.importers.amazon_in import write_observations

REQUIRED = (
    "time",
    "itemid",
    "price",
    "price_before_discount",
    "stock",
    "item_status",
    "cmt_count",
    "source",
    "url",
)
_URL_LINE = re.compile(r"^url:\s*(\S+)\s*$", re.MULTILINE)


def _history_files(path: Path) -> list[Path]:
    folder = path / "history" if (path / "history").is_dir() else path
    files = sorted(folder.glob("*.csv")) if folder.is_dir() else [folder]
    if not files:
        raise ImporterError(f"{path}: no history/*.csv files. Pass the tiki_shopee_price_history folder")
    return files


def _listing_url(history: Path, rows: list[dict[str, str]]) -> str:
    info = history.parent.parent / "info" / f"{history.stem}.yaml"
    if info.is_file():
        found = _URL_LINE.search(info.read_text(encoding="utf-8"))
        if found:
            return found.group(1)
    return next((r["url"] for r in rows if r.get("url")), "")


def iter_observations(path: Path, report: ImportReport) -> Iterator[dict[str, str]]:
    for file in _history_files(Path(path)):
        report.files.append(file)
        with open(file, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise ImporterError(
                    f"{file}: missing column(s) {', '.join(missing)}. Is this a price history CSV?"
                )
            rows = list(reader)
        url = _listing_url(file, rows)
        for number, row in enumerate(rows, start=2):
            report.rows += 1
            try:
                observed = iso_utc(datetime.fromtimestamp(int(row["time"]), UTC))
            except ValueError as error:
                raise ImporterError(
                    f"{file}, line {number}: time {row['time']!r} is not epoch seconds. Fix the row"
                ) from error
            sold_out = row["item_status"].strip().lower() == "sold_out" or row["stock"].strip() == "0"
            yield {
                "competitor": row["source"].strip().lower(),
                "listing_key": row["itemid"].strip(),
                "gtin": "",
                "sku": "",
                "price_text": row["price"].strip(),
                "list_price_text": row["price_before_discount"].strip(),
                "currency": "VND",
                "in_stock": "false" if sold_out else "true",
                "rating": "",
                "review_count": row["cmt_count"].strip(),
                "observed_at": observed,
                "listing_url": url,
            }


def run_import(path: Path, landing: Path, source_name: str) -> str:
    report = ImportReport()
    target, count = write_observations(iter_observations(Path(path), report), landing, source_name)
    return f"tiki_shopee: {count:,} price observations from {len(report.files)} file(s) -> {target}"
