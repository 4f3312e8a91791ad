"""Competitor price observations scraped a few times a week: `competitors/price_observations.csv`.

Three to five competitors (chosen by the seed) each list a share of the catalog under their
own listing keys and observe it on some days. Prices are scraped strings in the competitor's
locale (`$1,299.00`, `1.299,00 €`, `£12.50`, `1 299,00 €`, `USD 1299.00`), sometimes junk;
identifiers are as messy as real feeds (GTIN as UPC-12 without the leading zero, SKU
reformatted, either one missing).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from cdp.generate._base import DAY_SEC, PERIOD_DAYS, START_MS, Clock, hex_id, mix
from cdp.generate.catalog import FX, Catalog

# name, currency, price style, share of the catalog listed, observations per week, listing key style
COMPETITORS = (
    ("megamart_us", "USD", "us", 0.6, 3.0, "asin"),
    ("preisfuchs_de", "EUR", "de", 0.45, 2.0, "de"),
    ("britbuy_uk", "GBP", "uk", 0.4, 2.5, "uk"),
    ("shopzone_fr", "EUR", "fr", 0.35, 2.0, "fr"),
    ("valuehub_us", "USD", "code", 0.5, 3.0, "slug"),
)
JUNK_PRICES = ("", "N/A", "Price on request", "Preis auf Anfrage", "—", "see price in cart", "0.00")
COLUMNS = (
    "competitor", "listing_key", "gtin", "sku", "price_text", "list_price_text", "currency", "in_stock",
    "rating", "review_count", "observed_at",
)  # fmt: skip
D_COMP = 0xC0A1


def _group(whole: int, sep: str) -> str:
    s = str(whole)
    parts = []
    while len(s) > 3:
        parts.append(s[-3:])
        s = s[:-3]
    parts.append(s)
    return sep.join(reversed(parts))


def format_price(cents: int, style: str) -> str:
    """A price as the competitor's page shows it."""
    whole, frac = divmod(cents, 100)
    if style == "us":
        return f"${_group(whole, ',')}.{frac:02d}"
    if style == "uk":
        return f"£{_group(whole, ',')}.{frac:02d}"
    if style == "de":
        return f"{_group(whole, '.')},{frac:02d} €"
    if style == "fr":
        return f"{_group(whole, chr(0xA0))},{frac:02d}\u00a0€"
    return f"USD {whole}.{frac:02d}"


def _listing_key(style: str, seed: int, comp: int, product: int) -> str:
    h = mix(seed, D_COMP, comp, product)
    if style == "asin":
        chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        return "B0" + "".join(chars[(h >> (5 * i)) % 36] for i in range(8))
    if style == "de":
        return f"DE-{h % 10**9:09d}"
    if style == "uk":
        return f"uk-{h % 10**7:07d}"
    if style == "fr":
        return f"FR_{hex_id(10, seed, D_COMP, comp, product).upper()}"
    return f"vh/{hex_id(8, seed, D_COMP, comp, product)}"


class _Listing:
    __slots__ = ("product", "key", "gtin", "sku", "base", "charm", "rating", "reviews")


def _listings(seed: int, comp: int, catalog: Catalog) -> list[_Listing]:
    """The products a competitor lists, with what stays fixed about each listing."""
    name, currency, style, share, per_week, key_style = COMPETITORS[comp]
    rng = random.Random(mix(seed, D_COMP, comp))
    out = []
    for p in catalog.products:
        if rng.random() >= share:
            continue
        listing = _Listing()
        listing.product = p
        listing.key = _listing_key(key_style, seed, comp, p.index)
        g = rng.random()
        listing.gtin = p.gtin if g < 0.7 else (p.gtin[1:] if g < 0.85 and p.gtin.startswith("0") else "")
        s = rng.random()
        listing.sku = p.sku if s < 0.4 else (p.sku.replace("-", "").lower() if s < 0.6 else "")
        listing.base = p.list_cents * FX[currency] * rng.uniform(0.85, 1.15)
        listing.charm = rng.random() < 0.7
        has_rating = rng.random() < 0.8
        listing.rating = f"{rng.uniform(2.5, 5.0):.1f}" if has_rating else ""
        listing.reviews = str(rng.randrange(2500)) if has_rating else ""
        out.append(listing)
    return out


def write_price_observations(path: Path, catalog: Catalog, seed: int, clock: Clock) -> tuple[int, list[str]]:
    """Write the observations, day by day in observation order; returns (rows, competitor names)."""
    n_comp = 3 + mix(seed, D_COMP) % 3
    chosen = sorted(sorted(range(len(COMPETITORS)), key=lambda c: mix(seed, D_COMP, 1, c))[:n_comp])
    listings = {c: _listings(seed, c, catalog) for c in chosen}
    weekly: dict[int, list[tuple[float, bool]]] = {}
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for day in range(PERIOD_DAYS):
            day_rows = []
            for c in chosen:
                name, currency, style, share, per_week, key_style = COMPETITORS[c]
                if day % 7 == 0:  # this week's price wobble and sales, per listing
                    wrng = random.Random(mix(seed, D_COMP, c, 2, day // 7))
                    sale = 0.35 if day >= 77 else 0.1
                    weekly[c] = [(wrng.uniform(0.97, 1.03), wrng.random() < sale) for _ in listings[c]]
                rng = random.Random(mix(seed, D_COMP, c, 3, day))
                for listing, (wobble, on_sale) in zip(listings[c], weekly[c], strict=True):
                    if rng.random() >= per_week / 7:
                        continue  # not observed today
                    price = round(listing.base * wobble * (0.8 if on_sale else 1.0))
                    if listing.charm:  # x.99
                        price = max(99, price - price % 100 + 99)
                    u = rng.random()
                    price_text = (
                        JUNK_PRICES[int(u / 0.03 * len(JUNK_PRICES))]
                        if u < 0.03
                        else format_price(price, style)
                    )
                    list_text = format_price(round(listing.base), style) if on_sale else ""
                    in_stock = "false" if rng.random() < 0.08 else "true"
                    observed = clock.iso_seconds(START_MS + (day * DAY_SEC + rng.randrange(DAY_SEC)) * 1000)
                    day_rows.append((observed, name, listing.key, listing.gtin, listing.sku, price_text, list_text,
                                     currency, in_stock, listing.rating, listing.reviews))  # fmt: skip
            day_rows.sort()
            for row in day_rows:
                writer.writerow((*row[1:], row[0]))
            rows += len(day_rows)
    return rows, [COMPETITORS[c][0] for c in chosen]
