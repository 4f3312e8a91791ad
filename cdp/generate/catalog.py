"""The shop's product catalog: the products every event refers to, written as `catalog/products.csv`."""

from __future__ import annotations

import csv
import math
import random
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path

from cdp.generate._base import PERIOD_DAYS, iso_date_of_day, mix

# (category path, min price, max price, product nouns, brand family, variant kind)
CATEGORIES: tuple[tuple[str, int, int, tuple[str, ...], str, str], ...] = (
    ("Apparel > Shoes > Running", 60, 220, ("Running Shoe", "Road Runner", "Racer"), "apparel", "shoe"),
    ("Apparel > Shoes > Trail", 80, 240, ("Trail Shoe", "Trail Runner", "Hiker"), "apparel", "shoe"),
    ("Apparel > Tops > T-Shirts", 15, 55, ("Tee", "Performance Tee", "Graphic Tee"), "apparel", "size"),
    ("Apparel > Tops > Hoodies", 40, 120, ("Hoodie", "Zip Hoodie", "Fleece"), "apparel", "size"),
    ("Apparel > Outerwear > Jackets", 80, 420, ("Rain Jacket", "Down Jacket", "Shell"), "apparel", "size"),
    (
        "Apparel > Accessories > Backpacks",
        35,
        180,
        ("Backpack", "Daypack", "Commuter Pack"),
        "apparel",
        "color",
    ),
    ("Electronics > Audio > Headphones", 30, 450, ("Wireless Headphones", "Earbuds"), "electronics", "color"),
    ("Electronics > Audio > Speakers", 40, 600, ("Bluetooth Speaker", "Soundbar"), "electronics", "color"),
    (
        "Electronics > Wearables > Smartwatches",
        120,
        900,
        ("Smartwatch", "Fitness Band"),
        "electronics",
        "color",
    ),
    (
        "Electronics > Computers > Laptops",
        550,
        2800,
        ("14-inch Laptop", "16-inch Laptop"),
        "electronics",
        "spec",
    ),
    (
        "Electronics > Computers > Monitors",
        150,
        1300,
        ("27-inch Monitor", "Ultrawide Monitor"),
        "electronics",
        "none",
    ),
    (
        "Electronics > Cameras > Action Cameras",
        150,
        550,
        ("Action Camera", "360 Camera"),
        "electronics",
        "none",
    ),
    ("Home > Kitchen > Cookware", 25, 350, ("Skillet", "Dutch Oven", "Cookware Set"), "home", "color"),
    ("Home > Kitchen > Coffee Makers", 40, 1200, ("Espresso Machine", "Pour-Over Kettle"), "home", "color"),
    ("Home > Decor > Lighting", 20, 300, ("Table Lamp", "Floor Lamp", "Pendant Light"), "home", "color"),
    ("Home > Bedding > Sheets", 40, 250, ("Sheet Set", "Duvet Cover"), "home", "bed"),
    ("Beauty > Skincare > Serums", 12, 95, ("Vitamin C Serum", "Hyaluronic Serum"), "beauty", "none"),
    ("Beauty > Fragrance > Eau de Parfum", 45, 220, ("Eau de Parfum", "Cologne"), "beauty", "volume"),
    ("Sports > Fitness > Yoga", 15, 140, ("Yoga Mat", "Yoga Block Set"), "sports", "color"),
    (
        "Sports > Outdoor > Camping",
        30,
        650,
        ("2-Person Tent", "Sleeping Bag", "Camp Stove"),
        "sports",
        "none",
    ),
    ("Sports > Cycling > Helmets", 40, 280, ("Road Helmet", "MTB Helmet"), "sports", "size"),
    ("Toys > Building Sets", 10, 250, ("Building Set", "Robot Kit"), "toys", "none"),
    ("Books > Fiction", 8, 35, ("Novel", "Paperback Thriller"), "books", "format"),
)

BRANDS = {
    "apparel": ("Northpeak", "Velora", "Kinetix", "Stridewell", "Ashgrove"),
    "electronics": ("Brightwave", "Voltura", "Sonique", "Pixelcraft", "Auralis"),
    "home": ("Hearthline", "Casa Verde", "Lumen & Co", "Oakhaven"),
    "beauty": ("Aurelia", "Dewpoint", "Maison Lys"),
    "sports": ("Trailforge", "Zenmove", "Apex Outfitters"),
    "toys": ("Blocktopia", "Tinker Bay"),
    "books": ("Quill House", "Paper Lantern Press"),
}
MODEL_WORDS = (
    "Stride", "Aero", "Nimbus", "Summit", "Pulse", "Orbit", "Vista", "Terra", "Nova", "Echo",
    "Flux", "Drift", "Crest", "Halo", "Zephyr", "Atlas", "Ember", "Sierra", "Luma", "Vertex",
)  # fmt: skip
COLORS = ("Black", "White", "Navy", "Olive", "Grey", "Red", "Sand")
VARIANTS = {
    "shoe": tuple(f"{c} / US {s}" for c in COLORS[:3] for s in (7, 8, 9, 10, 11, 12)),
    "size": tuple(f"{c} / {s}" for c in COLORS[:4] for s in ("S", "M", "L", "XL")),
    "color": COLORS,
    "spec": ("16GB / 512GB", "32GB / 1TB"),
    "bed": ("Queen / White", "King / White", "Queen / Grey", "King / Sand"),
    "volume": ("50 ml", "100 ml"),
    "format": ("Paperback", "Hardcover"),
    "none": ("Standard",),
}
INVENTORY = (("in_stock", 80), ("low_stock", 8), ("out_of_stock", 6), ("preorder", 2), ("discontinued", 4))
FX = {"USD": 1.0, "EUR": 0.93, "GBP": 0.79}
SHOP_URL = "https://shop.example.com"
CDN_URL = "https://cdn.shop.example.com"

PRICE_CHANGE_SHARE = 0.1  # products whose list price changes once during the period
INVENTORY_CHANGE_SHARE = 0.3  # of those, the inventory status changes with the price
D_HISTORY = 0xCA7A4157

CSV_COLUMNS = (
    "product_id", "sku", "gtin", "name", "brand", "category_path", "list_price", "unit_cost",
    "currency", "price_tier", "inventory_status", "valid_from",
)  # fmt: skip


def ean13(body12: str) -> str:
    """Append the GS1 check digit to 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def n_products_for(n_events: int) -> int:
    """~500 products for the default 200k events, growing with the square root of N, capped at 20k."""
    return max(60, min(20_000, round(500 * math.sqrt(max(n_events, 1) / 200_000))))


def _round_price(dollars: float) -> int:
    """A shelf price in cents: x.99 under 100, whole tens minus a cent above."""
    if dollars < 100:
        return int(dollars) * 100 + 99
    return max(1, round(dollars / 10)) * 1000 - 1


def _local_cents(usd_cents: int, currency: str) -> int:
    if currency == "USD":
        return usd_cents
    return _round_price(usd_cents / 100 * FX[currency])


class Product:
    __slots__ = (
        "index", "product_id", "sku", "gtin", "name", "brand", "category", "category_index",
        "list_cents", "cost_cents", "tier", "inventory", "valid_from", "variants", "url",
        "image_url", "slug", "price", "base", "history",
    )  # fmt: skip

    def __init__(self, index: int, seed: int) -> None:
        rng = random.Random(mix(seed, 0xCA7A106, index))
        cat_index = rng.randrange(len(CATEGORIES))
        path, lo, hi, nouns, family, vkind = CATEGORIES[cat_index]
        self.index = index
        self.category_index = cat_index
        self.category = path
        self.brand = rng.choice(BRANDS[family])
        self.name = f"{self.brand} {rng.choice(MODEL_WORDS)} {rng.randint(1, 9)} {rng.choice(nouns)}"
        self.product_id = f"P{index + 1:05d}"
        leaf = path.split(" > ")[-1]
        self.sku = f"{path[:2].upper()}-{''.join(c for c in leaf if c.isalpha())[:3].upper()}-{index + 1:05d}"
        self.gtin = "" if rng.random() < 0.02 else ean13(f"0614141{index + 1:05d}")
        position = rng.random()  # where in the category's price range, on a log scale
        self.list_cents = _round_price(math.exp(math.log(lo) + position * (math.log(hi) - math.log(lo))))
        self.cost_cents = round(self.list_cents * rng.uniform(0.35, 0.7))
        self.tier = "budget" if position < 1 / 3 else ("mid" if position < 2 / 3 else "premium")
        self.inventory = rng.choices([s for s, _ in INVENTORY], [w for _, w in INVENTORY])[0]
        self.valid_from = f"{rng.choice((2024, 2025, 2026))}-{rng.randint(1, 8):02d}-{rng.randint(1, 28):02d}"
        self.variants = VARIANTS[vkind]
        words = "".join(c if c.isalnum() else "-" for c in self.name.lower()).split("-")
        self.slug = "-".join(w for w in words if w) + "-" + self.product_id.lower()
        self.url = f"{SHOP_URL}/products/{self.slug}"
        self.image_url = f"{CDN_URL}/images/{self.product_id}.jpg"
        # shelf price per currency, in cents
        self.price = {cur: _local_cents(self.list_cents, cur) for cur in FX}
        # fields every product payload starts with, in Segment's order
        self.base = (
            ("product_id", self.product_id),
            ("sku", self.sku),
            ("name", self.name),
            ("brand", self.brand),
            ("category", self.category),
        )
        # later versions within the period: (valid_from, list cents, inventory status); the events
        # keep the shelf price above, so adding history never changes a landed message
        hrng = random.Random(mix(seed, D_HISTORY, index))
        self.history = _price_change(self.list_cents, self.inventory, hrng)


def _price_change(list_cents: int, inventory: str, rng: random.Random) -> tuple[tuple[str, int, str], ...]:
    """One list-price change inside the period for ~10% of products (cuts before Black Friday)."""
    if rng.random() >= PRICE_CHANGE_SHARE:
        return ()
    day = rng.randrange(1, PERIOD_DAYS)
    factor = rng.choice((0.8, 0.85, 0.9)) if day >= 77 else rng.choice((0.85, 0.9, 0.95, 1.05, 1.1, 1.15))
    new_cents = list_cents
    for _ in range(8):  # shelf-price rounding may swallow a small change: push further
        new_cents = _round_price(list_cents / 100 * factor)
        if new_cents != list_cents:
            break
        factor = factor**1.5
    if new_cents == list_cents:
        new_cents = list_cents + 100
    if rng.random() < INVENTORY_CHANGE_SHARE:
        lower = ("low_stock", "out_of_stock", "discontinued")
        inventory = rng.choice(lower) if inventory == "in_stock" else "in_stock"
    return ((iso_date_of_day(day), new_cents, inventory),)


class Catalog:
    """All products, with popularity weights for sampling (Zipf-like) overall and per category."""

    def __init__(self, seed: int, n_products: int) -> None:
        self.products = [Product(i, seed) for i in range(n_products)]
        rng = random.Random(mix(seed, 0x9091))
        ranks = list(range(1, n_products + 1))
        rng.shuffle(ranks)
        weights = [1.0 / r**0.9 for r in ranks]
        self._cum = list(accumulate(weights))
        self._by_cat: list[tuple[list[int], list[float]]] = []
        for c in range(len(CATEGORIES)):
            members = [p.index for p in self.products if p.category_index == c]
            if not members:
                members = [c % n_products]
            self._by_cat.append((members, list(accumulate(weights[i] for i in members))))

    def pick(self, rng: random.Random, category: int | None = None) -> Product:
        if category is None:
            cum, members = self._cum, None
        else:
            members, cum = self._by_cat[category]
        i = bisect_right(cum, rng.random() * cum[-1])
        i = min(i, len(cum) - 1)
        return self.products[members[i] if members is not None else i]

    def write_csv(self, path: Path) -> int:
        """One row per product version, by product_id then valid_from; returns the rows written."""
        rows = 0
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            for p in self.products:
                versions = ((p.valid_from, p.list_cents, p.inventory), *p.history)
                for valid_from, list_cents, inventory in versions:
                    writer.writerow(
                        (
                            p.product_id, p.sku, p.gtin, p.name, p.brand, p.category,
                            f"{list_cents / 100:.2f}", f"{p.cost_cents / 100:.2f}", "USD",
                            p.tier, inventory, valid_from,
                        )
                    )  # fmt: skip
                    rows += 1
        return rows
