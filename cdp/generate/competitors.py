"""Scraped competitor market data: `competitors/price_observations.csv`, `bestseller_ranks.csv`, `trending_searches.csv`.

Three to five competitors (chosen by the seed) each list a share of the catalog under their
own listing keys and observe it on some days. Prices are scraped strings in the competitor's
locale (`$1,299.00`, `1.299,00 €`, `£12.50`, `1 299,00 €`, `USD 1299.00`), sometimes junk;
identifiers are as messy as real feeds (GTIN as UPC-12 without the leading zero, SKU
reformatted, either one missing). A listing's review count only grows, at its own pace.

Three of those competitors publish a bestseller list per category, scraped once a day: the top
10-20 (fixed per competitor and category) of a pool of their listings of our products and of
products we do not sell, ranked by a popularity that drifts week by week. Two of them also
publish the day's top 10 search terms per category, holiday terms climbing towards Black
Friday. Categories are named the competitor's way (our path, its leaf, or `A / B / C`).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from cdp.generate._base import DAY_SEC, PERIOD_DAYS, START_MS, Clock, hex_id, mix
from cdp.generate.catalog import BRANDS, CATEGORIES, FX, MODEL_WORDS, Catalog

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
BESTSELLER_COLUMNS = ("competitor", "category", "rank", "listing_key", "observed_at")
TRENDING_COLUMNS = ("competitor", "category", "rank", "search_term", "observed_at")
BESTSELLER_PUBLISHERS = 3  # of the chosen competitors, how many publish bestseller lists
TRENDING_PUBLISHERS = 2  # ... and trending searches (a subset of the former)
TRENDING_TOP = 10
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
    __slots__ = ("product", "key", "gtin", "sku", "base", "charm", "rating", "reviews", "reviews_per_kday")


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
        # reviews at the period start; -1: the page shows none
        listing.reviews = rng.randrange(2500) if has_rating else -1
        # new reviews per 1000 days: busier listings gather them faster (own hash, so the draws above stay)
        pace = 300 + mix(seed, D_COMP, comp, 4, p.index) % 1700
        listing.reviews_per_kday = (max(listing.reviews, 0) + 20) * pace // 400
        out.append(listing)
    return out


def _review_count(listing: _Listing, t_sec: int) -> str:
    """The review count shown at t_sec after the period start: never shrinks."""
    if listing.reviews < 0:
        return ""
    return str(listing.reviews + listing.reviews_per_kday * t_sec // (DAY_SEC * 1000))


def chosen_competitors(seed: int) -> list[int]:
    """Indexes into COMPETITORS of the 3-5 competitors of this world, in table order."""
    n_comp = 3 + mix(seed, D_COMP) % 3
    return sorted(sorted(range(len(COMPETITORS)), key=lambda c: mix(seed, D_COMP, 1, c))[:n_comp])


def _publishers(seed: int, n: int) -> list[int]:
    """The first n chosen competitors in a seed order (so trending publishers are bestseller publishers)."""
    return sorted(sorted(chosen_competitors(seed), key=lambda c: mix(seed, D_COMP, 5, c))[:n])


def competitor_category(path: str, style: str) -> str:
    """A category as the competitor names it: our path (US shops), its leaf (UK) or `A / B / C`."""
    if style in ("us", "code"):
        return path
    if style == "uk":
        return path.split(" > ")[-1]
    return path.replace(" > ", " / ")


def _scrape_ms(seed: int, comp: int, kind: int, day: int) -> int:
    """When a competitor's list is scraped on a day: a fixed hour of the night plus jitter."""
    base = 3600 + mix(seed, D_COMP, comp, kind) % (5 * 3600)
    return START_MS + (day * DAY_SEC + base + mix(seed, D_COMP, comp, kind, day) % 1800) * 1000


def _holiday_boost(day: int) -> float:
    """How much more searched holiday terms are: nothing until early November, most on Black Friday."""
    return 0.0 if day < 63 else min(day - 63, 23) * 0.2


class _Board:
    """One competitor category's ranking: candidates with a base popularity and a weekly drift."""

    __slots__ = ("comp", "name", "category", "items", "base", "holiday", "drift", "top")

    def __init__(self, comp: int, category: str, items: list[str], base: list[float], top: int,
                 holiday: list[float] | None = None) -> None:  # fmt: skip
        self.comp = comp
        self.name = COMPETITORS[comp][0]
        self.category = category
        self.items = items
        self.base = base
        self.holiday = holiday or [0.0] * len(items)
        self.drift = [0.0] * len(items)
        self.top = min(top, len(items))

    def ranked(self, day: int, rng: random.Random, new_week: random.Random | None) -> list[str]:
        """The day's top items, best first (a week's first day moves the drift on)."""
        if new_week is not None:
            self.drift = [0.6 * d + new_week.gauss(0.0, 0.4) for d in self.drift]
        boost = _holiday_boost(day)
        scores = [
            b + d + h * boost + rng.gauss(0.0, 0.3)
            for b, d, h in zip(self.base, self.drift, self.holiday, strict=True)
        ]
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        return [self.items[i] for i in order[: self.top]]


def _write_boards(path: Path, columns: tuple[str, ...], boards: list[_Board], seed: int, kind: int,
                  clock: Clock) -> int:  # fmt: skip
    """Each board's top positions once a day, day by day; returns the rows written."""
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for day in range(PERIOD_DAYS):
            for b, board in enumerate(boards):
                rng = random.Random(mix(seed, D_COMP, kind, b, day))
                week = random.Random(mix(seed, D_COMP, kind, b, 1, day // 7)) if day % 7 == 0 else None
                observed = clock.iso_seconds(_scrape_ms(seed, board.comp, kind, day))
                for rank, item in enumerate(board.ranked(day, rng, week), start=1):
                    writer.writerow((board.name, board.category, rank, item, observed))
                rows += board.top
    return rows


def write_bestseller_ranks(path: Path, catalog: Catalog, seed: int, clock: Clock) -> int:
    """Daily top 10-20 per category of a few competitors; returns the rows written."""
    boards = []
    for c in _publishers(seed, BESTSELLER_PUBLISHERS):
        key_style = COMPETITORS[c][5]
        by_category: dict[int, list[str]] = {}
        for listing in _listings(seed, c, catalog):
            by_category.setdefault(listing.product.category_index, []).append(listing.key)
        for cat, (cat_path, *_) in enumerate(CATEGORIES):
            rng = random.Random(mix(seed, D_COMP, 6, c, cat))
            top = rng.randint(10, 20)
            # our products they list (the 25 most popular at most) and products we do not sell
            ours = sorted(((rng.gauss(0.0, 1.0), key) for key in by_category.get(cat, [])), reverse=True)[:25]
            others = [
                (rng.gauss(-0.3, 1.0), _listing_key(key_style, seed, c, 1_000_000 + cat * 1000 + j))
                for j in range(rng.randint(20, 35))
            ]
            pool = ours + others
            category = competitor_category(cat_path, COMPETITORS[c][2])
            boards.append(_Board(c, category, [k for _, k in pool], [s for s, _ in pool], top))
    return _write_boards(path, BESTSELLER_COLUMNS, boards, seed, 7, clock)


def _search_terms(cat: int, rng: random.Random) -> tuple[list[str], list[float]]:
    """A category's candidate search terms and how much each rides the holiday season."""
    path, _lo, _hi, nouns, family, _kind = CATEGORIES[cat]
    leaf = path.split(" > ")[-1].lower()
    head = nouns[0].lower()
    terms: dict[str, float] = {}
    for noun in nouns:
        n = noun.lower()
        for term in (n, f"best {n}", f"cheap {n}", f"{n} sale"):
            terms.setdefault(term, 0.0)
    for brand in BRANDS[family]:
        terms.setdefault(f"{brand.lower()} {head}", 0.0)
    for word in rng.sample(MODEL_WORDS, 3):
        terms.setdefault(f"{rng.choice(BRANDS[family]).lower()} {word.lower()}", 0.0)
    terms.setdefault(leaf, 0.0)
    terms.setdefault(f"{leaf} deals", 0.5)
    terms.setdefault(f"{head} gift ideas", 0.6)
    terms.setdefault(f"black friday {leaf} deals", 1.0)
    terms.setdefault(f"cyber monday {head}", 0.9)
    return list(terms), list(terms.values())


def write_trending_searches(path: Path, seed: int, clock: Clock) -> int:
    """Daily top 10 search terms per category of two competitors; returns the rows written."""
    boards = []
    for c in _publishers(seed, TRENDING_PUBLISHERS):
        for cat, (cat_path, *_) in enumerate(CATEGORIES):
            rng = random.Random(mix(seed, D_COMP, 8, c, cat))
            terms, holiday = _search_terms(cat, rng)
            base = [rng.gauss(0.0, 1.0) - 2.5 * h for h in holiday]  # seasonal terms start low
            category = competitor_category(cat_path, COMPETITORS[c][2])
            boards.append(_Board(c, category, terms, base, TRENDING_TOP, holiday))
    return _write_boards(path, TRENDING_COLUMNS, boards, seed, 9, clock)


def write_price_observations(path: Path, catalog: Catalog, seed: int, clock: Clock) -> tuple[int, list[str]]:
    """Write the observations, day by day in observation order; returns (rows, competitor names)."""
    chosen = chosen_competitors(seed)
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
                    t_sec = day * DAY_SEC + rng.randrange(DAY_SEC)
                    observed = clock.iso_seconds(START_MS + t_sec * 1000)
                    day_rows.append((observed, name, listing.key, listing.gtin, listing.sku, price_text, list_text,
                                     currency, in_stock, listing.rating, _review_count(listing, t_sec)))  # fmt: skip
            day_rows.sort()
            for row in day_rows:
                writer.writerow((*row[1:], row[0]))
            rows += len(day_rows)
    return rows, [COMPETITORS[c][0] for c in chosen]
