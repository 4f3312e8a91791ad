"""Phase 2: turn one planned session record into Segment messages.

A web or app session is a browsing head (landing page, product and category pages, searches,
promotions, wishlist, shares, reviews) followed by the tail its planned outcome needs
(add to cart, abandoned checkout, or a full checkout ending in Order Completed). Identity
calls (identify, alias, group) are slotted in where the plan says. Each record is rebuilt from
its own random stream, so the result does not depend on anything generated before it, except
the running order and message counters.
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import quote_plus

from cdp.generate._base import (
    DAY_MS,
    END_MS,
    HOUR_MS,
    JSON,
    MIN_MS,
    START_MS,
    cents_to_amount,
    hex_id,
    mix,
    unit,
)
from cdp.generate.catalog import CATEGORIES, SHOP_URL, Catalog, Product
from cdp.generate.emit import Emitter
from cdp.generate.people import (
    ADD,
    BROWSE,
    CAMPAIGNS,
    CARRIERS,
    CHECKOUT,
    DEV_HOUSEHOLD,
    DEV_KIOSK,
    F_ALIAS_CHAIN,
    F_CAMPAIGN,
    F_CANCEL,
    F_EMAIL_CLICK,
    F_GROUP,
    F_IDENTIFY_EMAIL,
    F_IDENTIFY_JUNK,
    F_LOGGED_IN,
    F_LOGIN,
    F_MKT_REAL_EMAIL,
    F_OFFLINE,
    F_PARTNER,
    F_POS_JUNK,
    F_POS_LOYALTY,
    F_POS_TRAITS,
    F_REFUND,
    F_SERVER_IDENTIFY,
    F_SERVER_ORDER,
    F_SIGNUP,
    F_USE_USER_ID,
    IP_PREFIXES,
    K_EMAIL,
    K_POS,
    K_WEB,
    KIOSK_STORES,
    ORDER,
    STORES,
    Device,
    Person,
    company_traits,
    esp_anon_id,
    household_device,
    kiosk_device,
    make_person,
    market_anon_id,
    planned_messages,
    pos_anon_id,
    unpack_meta,
)

D_SESSION, D_PROMO, D_TAX = 0x21, 0x22, 0x23
P_MISSING_PRODUCT_ID = 0.005  # per order: one product line without product_id
FORCED_MISSING_PRODUCT_ID = (3, 40)  # ... and always for these orders of the world
PERSON_CACHE = 2048  # persons rebuilt recently (bounded, so memory does not grow with N)

LIB = {
    "web": {"name": "analytics.js", "version": "next-1.70.0"},
    "ios": {"name": "analytics-ios", "version": "4.1.8"},
    "android": {"name": "analytics-android", "version": "4.11.3"},
    "server": {"name": "analytics-python", "version": "2.3.4"},
    "pos": {"name": "pos-connector", "version": "1.8.0"},
    "email": {"name": "esp-webhooks", "version": "3.2.0"},
    "marketplace": {"name": "marketplace-sync", "version": "0.9.4"},
}
SERVER_CTX = {"library": LIB["server"]}
SERVER_CTX_JSON = JSON.encode(SERVER_CTX)
AFFILIATION = {"web": "Online Store", "ios": "iOS App", "android": "Android App"}
PAYMENT = {
    "web": (("credit_card", 55), ("paypal", 25), ("apple_pay", 10), ("klarna", 10)),
    "ios": (("apple_pay", 50), ("credit_card", 40), ("paypal", 10)),
    "android": (("google_pay", 45), ("credit_card", 40), ("paypal", 15)),
}
SHIPPING_METHODS = ("standard", "standard", "standard", "express", "pickup")
SHIPPING_CENTS = {"USD": 599, "EUR": 499, "GBP": 449}
FREE_SHIPPING_CENTS = 5000
TAX_BP = {"GB": 2000, "DE": 1900, "FR": 2000, "ES": 2100, "CA": 0, "IN": 0}
US_TAX_BP = (0, 400, 600, 625, 725, 825, 887, 950)
COUPONS = (("WELCOME10", 10, 0), ("FALL15", 15, 0), ("CYBER20", 20, 0), ("SAVE5", 0, 500), ("VIP25", 25, 0))
COUPON_DENIED = ("Coupon expired", "Minimum order value not met", "Coupon not valid for these items")
CAMPAIGN_PARAMS = (
    ("google", "cpc", "fall_sale_2026", "running shoes", "ad_a"),
    ("google", "cpc", "brand_search", "shop example", None),
    ("facebook", "paid_social", "bf_2026_prospecting", None, "carousel_2"),
    ("instagram", "paid_social", "holiday_gifting", None, "reel_1"),
    ("newsletter", "email", "weekly_deals", None, "hero_button"),
    ("tiktok", "influencer", "trail_season", None, "creator_07"),
    ("affiliate", "affiliate", "partner_network", None, None),
)
REFERRERS = ("", "", "https://www.google.com/", "https://www.google.com/", "https://www.bing.com/",
             "https://duckduckgo.com/", "https://www.facebook.com/", "https://www.instagram.com/", "https://t.co/")  # fmt: skip
PROMOTIONS = (
    ("promo_fall26", "Fall Arrivals", "hero_banner_1"),
    ("promo_bf26", "Black Friday Preview", "hero_banner_2"),
    ("promo_ship", "Free Shipping over 50", "top_strip"),
    ("promo_members", "Members Save More", "sidebar"),
)
REVIEW_BODIES = ("Great quality, would buy again.", "Fits as expected.", "Arrived quickly and well packed.",
                 "Good value for the price.", "Not what I expected, returning it.", "Love it!")  # fmt: skip
PAGE = {
    "home": ("Home", "Home"),
    "category": ("Category", "Category"),
    "product": ("Product", "Product Detail"),
    "search": ("Search", "Search Results"),
    "cart": ("Cart", "Cart"),
    "checkout": ("Checkout", "Checkout"),
    "confirmation": ("Order Confirmation", "Order Confirmation"),
    "account": ("Account", "Account"),
    "wishlist": ("Wishlist", "Wishlist"),
}
CATEGORY_SLUGS = tuple(
    "/c/"
    + "/".join("".join(ch if ch.isalnum() else "-" for ch in part.lower()) for part in c[0].split(" > "))
    for c in CATEGORIES
)


class _Nav:
    """Per-session state: random stream, where the visitor is, what they looked at."""

    __slots__ = ("rng", "app", "currency", "day", "prev_url", "landing_search", "pages", "last_product",
                 "cart_id", "categories")  # fmt: skip

    def __init__(
        self, rng: random.Random, app: bool, currency: str, day: int, categories: tuple[int, int]
    ) -> None:
        self.rng = rng
        self.app = app
        self.currency = currency
        self.day = day
        self.prev_url = rng.choice(REFERRERS)
        self.landing_search = ""
        self.pages = 0
        self.last_product: Product | None = None
        self.cart_id = ""
        self.categories = categories


Step = tuple[
    str, str, dict[str, Any], dict[str, Any] | None
]  # (type, event or page name, properties, context.page)


class SessionBuilder:
    def __init__(self, seed: int, catalog: Catalog, emitter: Emitter) -> None:
        self.seed = seed
        self.catalog = catalog
        self.emitter = emitter
        self.clock = emitter.clock
        self.kiosks = [kiosk_device(seed, k) for k in range(len(KIOSK_STORES))]
        self.order_no = 0
        self.pos_no = 0
        self.orders_made = 0
        self.orders = 0
        self.revenue_cents: dict[str, int] = {}
        self.order_lines = 0
        self.order_lines_missing = 0
        self.refunds = 0
        self.cancellations = 0
        self._people: dict[int, Person] = {}
        self._promos: dict[int, bytes] = {}

    # ------------------------------------------------------------------ entry point
    def person(self, index: int, partner: bool) -> Person:
        person = self._people.get(index)
        if person is None:
            if len(self._people) >= PERSON_CACHE:
                del self._people[next(iter(self._people))]  # forget the oldest
            head = make_person(self.seed, index - 1) if partner else None
            person = make_person(self.seed, index, head=head)
            self._people[index] = person
        return person

    def run(self, t_sec: int, index: int, k: int, meta: int, flags: int) -> None:
        kind, dev, epoch, outcome, aux, n = unpack_meta(meta)
        person = self.person(index, bool(flags & F_PARTNER))
        rng = random.Random(mix(self.seed, D_SESSION, index, k))
        t0 = START_MS + t_sec * 1000 + rng.randrange(1000)
        before = self.emitter.emitted
        if kind == K_WEB:
            self._web_app(person, rng, t0, dev, epoch, outcome, aux, n, flags)
        elif kind == K_EMAIL:
            self._email(person, rng, t0, aux, flags)
        elif kind == K_POS:
            self._pos(person, rng, t0, k, flags)
        else:
            self._marketplace(person, rng, t0, k, flags)
        made = self.emitter.emitted - before
        if made != planned_messages(kind, n, flags):  # the plan's message count is exact by design
            raise RuntimeError(
                f"session {index}/{k} produced {made} messages, planned {planned_messages(kind, n, flags)}"
            )

    # ------------------------------------------------------------------ helpers
    def _price(self, product: Product, currency: str, day: int) -> int:
        """Shelf price in cents on a day: list price minus the product's promotion that week."""
        week = day // 7 if day < 83 else 99  # Black Friday week has its own, deeper promotions
        promos = self._promos.get(week)
        if promos is None:
            rng = random.Random(mix(self.seed, D_PROMO, week))
            promos = self._promos[week] = bytes(
                rng.choices((0, 20, 30), (55, 35, 10))[0] if week == 99 else rng.choices((0, 10, 20, 30), (75, 13, 8, 4))[0]
                for _ in self.catalog.products
            )  # fmt: skip
        return product.price[currency] * (100 - promos[product.index]) // 100

    def _product(self, nav: _Nav) -> Product:
        rng = nav.rng
        category = nav.categories[rng.randrange(2)] if rng.random() < 0.6 else None
        return self.catalog.pick(rng, category)

    def _pp(self, nav: _Nav, product: Product, variant: str | None = None, **extra: Any) -> dict[str, Any]:
        """Segment product properties."""
        d = dict(product.base)
        d["variant"] = variant or nav.rng.choice(product.variants)
        d["price"] = cents_to_amount(self._price(product, nav.currency, nav.day))
        d.update(extra)
        d["url"] = product.url
        d["image_url"] = product.image_url
        return d

    def _list_items(self, nav: _Nav, category: int | None, count: int) -> list[dict[str, Any]]:
        items = []
        for pos in range(1, count + 1):
            p = self.catalog.pick(nav.rng, category)
            items.append(
                {
                    "product_id": p.product_id,
                    "sku": p.sku,
                    "name": p.name,
                    "price": cents_to_amount(self._price(p, nav.currency, nav.day)),
                    "position": pos,
                    "category": p.category,
                }
            )
        return items

    def _page(self, nav: _Nav, kind: str, product: Product | None = None, category: int | None = None,
              query: str | None = None, step: str | None = None) -> Step:  # fmt: skip
        """A page (web) or screen (app) view."""
        page_name, screen_name = PAGE[kind]
        nav.pages += 1
        if nav.app:
            props: dict[str, Any] = {"name": screen_name}
            if product is not None:
                props["product_id"] = product.product_id
            if category is not None:
                props["category"] = CATEGORIES[category][0]
            if query is not None:
                props["query"] = query
            return ("screen", screen_name, props, None)
        search = ""
        if kind == "home":
            path, title = "/", "Shop — Home"
        elif kind == "category":
            path, title = CATEGORY_SLUGS[category], f"{CATEGORIES[category][0].split(' > ')[-1]} | Shop"
        elif kind == "product":
            path, title = f"/products/{product.slug}", f"{product.name} | Shop"
        elif kind == "search":
            path, title, search = "/search", f"Search: {query} | Shop", f"?q={quote_plus(query)}"
        elif kind == "checkout":
            path, title = f"/checkout/{step}", f"Checkout — {step.title()} | Shop"
        elif kind == "confirmation":
            path, title = "/checkout/thank-you", "Thank you for your order | Shop"
        else:
            path, title = f"/{kind}", f"{page_name} | Shop"
        if nav.pages == 1 and nav.landing_search:
            search = nav.landing_search + ("&" + search[1:] if search else "")
        url = SHOP_URL + path + search
        page = {"path": path, "referrer": nav.prev_url, "search": search, "title": title, "url": url}
        nav.prev_url = url
        return ("page", page_name, page, page)

    def _query(self, nav: _Nav) -> str:
        rng = nav.rng
        p = self._product(nav)
        words = p.name.split()
        q = rng.choice((" ".join(words[-2:]), p.brand, words[-1], f"{p.brand} {words[-1]}")).lower()
        if rng.random() < 0.1 and len(q) > 4:  # a typo
            i = rng.randrange(1, len(q) - 1)
            q = q[:i] + q[i + 1] + q[i] + q[i + 2 :]
        return q

    # ------------------------------------------------------------------ browsing
    def _browse_unit(self, nav: _Nav, first: bool) -> list[Step]:
        rng = nav.rng
        u = rng.random()
        if first:
            u = u * 0.74  # only units that start with a page view: product, category, search, home
        cur = nav.currency
        if u < 0.34:
            p = self._product(nav)
            nav.last_product = p
            steps = []
            if not first and rng.random() < 0.3:
                steps.append(
                    ("track", "Product Clicked", self._pp(nav, p, position=rng.randint(1, 12)), None)
                )
            steps.append(self._page(nav, "product", product=p))
            price = self._price(p, cur, nav.day)
            steps.append(
                (
                    "track",
                    "Product Viewed",
                    self._pp(nav, p, currency=cur, value=cents_to_amount(price)),
                    None,
                )
            )
            return steps
        if u < 0.52:
            cat = nav.categories[rng.randrange(2)] if rng.random() < 0.7 else rng.randrange(len(CATEGORIES))
            steps = [self._page(nav, "category", category=cat)]
            list_id = CATEGORY_SLUGS[cat][3:].replace("/", "_")
            steps.append(("track", "Product List Viewed", {"list_id": list_id, "category": CATEGORIES[cat][0],
                                                           "products": self._list_items(nav, cat, rng.randint(4, 8))},
                          None))  # fmt: skip
            if rng.random() < 0.25:
                lo = rng.choice((0, 25, 50, 100))
                props = {
                    "list_id": list_id,
                    "category": CATEGORIES[cat][0],
                    "filters": [{"type": "price", "value": f"{lo}-{lo * 2 + 50}"}],
                    "sorts": [{"type": "price", "value": rng.choice(("asc", "desc"))}],
                    "products": self._list_items(nav, cat, rng.randint(3, 6)),
                }
                steps.append(("track", "Product List Filtered", props, None))
            return steps
        if u < 0.62:
            q = self._query(nav)
            return [
                self._page(nav, "search", query=q),
                ("track", "Products Searched", {"query": q}, None),
                ("track", "Product List Viewed", {"list_id": "search_results", "category": "Search Results",
                                                  "products": self._list_items(nav, None, rng.randint(4, 8))}, None),
            ]  # fmt: skip
        if u < 0.74:
            steps = [self._page(nav, "home")]
            if rng.random() < 0.5:
                promo_id, name, creative = rng.choice(PROMOTIONS)
                promo = {"promotion_id": promo_id, "creative": creative, "name": name, "position": "home_top"}
                steps.append(("track", "Promotion Viewed", promo, None))
                if rng.random() < 0.3:
                    steps.append(("track", "Promotion Clicked", dict(promo), None))
            return steps
        p = nav.last_product or self._product(nav)
        if u < 0.79:
            props = {"wishlist_id": self._wishlist(nav), "wishlist_name": "My Wishlist"}
            props.update(self._pp(nav, p))
            return [("track", "Product Added to Wishlist", props, None)]
        if u < 0.81:
            props = {"share_via": rng.choice(("copy_link", "email", "whatsapp", "sms")),
                     "share_message": "Look what I found!"}  # fmt: skip
            props.update(self._pp(nav, p))
            return [("track", "Product Shared", props, None)]
        if u < 0.83:
            props = {
                "product_id": p.product_id,
                "review_id": "rev_" + hex_id(10, self.seed, p.index, rng.getrandbits(32)),
                "review_body": rng.choice(REVIEW_BODIES),
                "rating": rng.choices((1, 2, 3, 4, 5), (4, 5, 12, 35, 44))[0],
            }
            return [("track", "Product Reviewed", props, None)]
        if u < 0.88:
            return [self._page(nav, "account")]
        if u < 0.92:
            steps = [self._page(nav, "wishlist")]
            props = {"wishlist_id": self._wishlist(nav), "wishlist_name": "My Wishlist"}
            if rng.random() < 0.5:
                props.update(self._pp(nav, p))
                steps.append(("track", "Product Removed from Wishlist", props, None))
            else:
                props.update(self._pp(nav, p, quantity=1, cart_id=self._cart(nav)))
                steps.append(("track", "Wishlist Product Added to Cart", props, None))
            return steps
        steps = [self._page(nav, "cart")]
        items = self._list_items(nav, None, rng.randint(1, 3))
        for item in items:
            item["quantity"] = 1
        steps.append(("track", "Cart Viewed", {"cart_id": self._cart(nav), "products": items}, None))
        if rng.random() < 0.12:
            steps.append(("track", "Cart Shared", {"share_via": "copy_link", "cart_id": self._cart(nav),
                                                   "products": [{"product_id": i["product_id"]} for i in items]},
                          None))  # fmt: skip
        elif rng.random() < 0.06:
            code, pct, fixed = rng.choice(COUPONS)
            steps.append(("track", "Coupon Removed", {"order_id": None, "cart_id": self._cart(nav), "coupon_id": code,
                                                      "coupon_name": code, "discount": 0}, None))  # fmt: skip
        return steps

    def _wishlist(self, nav: _Nav) -> str:
        return "wl_" + hex_id(12, self.seed, nav.categories[0], nav.categories[1], nav.rng.randrange(4))

    def _cart(self, nav: _Nav) -> str:
        if not nav.cart_id:
            nav.cart_id = "cart_" + hex_id(20, nav.rng.getrandbits(64))
        return nav.cart_id

    # ------------------------------------------------------------------ funnel tails
    def _tail_plan(self, nav: _Nav, outcome: int, n: int) -> tuple[int, int, int, int]:
        """(products, option a, option b, tail size) for the outcome, within the session's budget."""
        rng = nav.rng
        if outcome == ORDER:
            k = min(rng.choices((1, 2, 3, 4), (55, 25, 12, 8))[0], (n - 12) // 3)
            coupon = int(rng.random() < 0.3 and 3 * k + 14 <= n)
            size = 3 * k + 12 + 2 * coupon
            updated = int(rng.random() < 0.03 and size + 1 <= n)
            return k, coupon, updated, size + updated
        if outcome == CHECKOUT:
            k = min(rng.choices((1, 2, 3), (65, 25, 10))[0], (n - 5) // 3)
            size = 3 * k + 5
            completed = int(rng.random() < 0.6 and size + 1 <= n)
            size += completed
            denied = int(rng.random() < 0.15 and size + 2 <= n)
            return k, completed, denied, size + 2 * denied
        if outcome == ADD:
            cart = int(rng.random() < 0.5 and n >= 5)
            removed = int(cart and rng.random() < 0.3 and n >= 6)
            return 1, cart, removed, 3 + 2 * cart + removed
        return 0, 0, 0, 0

    def _tail(self, nav: _Nav, person: Person, src: str, outcome: int, plan: tuple[int, int, int, int]
              ) -> tuple[list[Step], dict[str, Any] | None]:  # fmt: skip
        """The funnel steps after browsing; for an order also the Order Completed properties."""
        if outcome == BROWSE:
            return [], None
        rng = nav.rng
        k, opt_a, opt_b, _ = plan
        cur = nav.currency
        steps: list[Step] = []
        lines = []
        for i in range(k):
            p = self._product(nav)
            variant = rng.choice(p.variants)
            qty = rng.choices((1, 2, 3), (80, 15, 5))[0]
            price = self._price(p, cur, nav.day)
            lines.append((p, variant, price, qty))
            steps.append(self._page(nav, "product", product=p))
            steps.append(("track", "Product Viewed", self._pp(nav, p, variant, currency=cur,
                                                              value=cents_to_amount(price)), None))  # fmt: skip
            steps.append(("track", "Product Added", self._pp(nav, p, variant, quantity=qty, position=i + 1,
                                                             cart_id=self._cart(nav)), None))  # fmt: skip
        if outcome == ADD:
            if opt_a:
                steps.append(self._page(nav, "cart"))
                steps.append(
                    (
                        "track",
                        "Cart Viewed",
                        {"cart_id": self._cart(nav), "products": [self._line(nav, ln, 1) for ln in lines]},
                        None,
                    )
                )
                if opt_b:
                    p, variant, _, qty = lines[0]
                    steps.append(("track", "Product Removed", self._pp(nav, p, variant, quantity=qty,
                                                                       cart_id=self._cart(nav)), None))  # fmt: skip
            return steps, None

        self.order_no += 1
        order_id = f"ORD-{1_000_000 + self.order_no}"
        checkout_id = "chk_" + hex_id(20, rng.getrandbits(64))
        products = [self._line(nav, ln, i + 1) for i, ln in enumerate(lines)]
        gross = sum(price * qty for _, _, price, qty in lines)
        shipping_method = rng.choice(SHIPPING_METHODS)
        payment = rng.choices([m for m, _ in PAYMENT[src]], [w for _, w in PAYMENT[src]])[0]
        tax_bp = TAX_BP.get(person.country) if person.country != "US" else US_TAX_BP[
            int(unit(self.seed, D_TAX, person.index) * len(US_TAX_BP))]  # fmt: skip

        def money(discount: int) -> tuple[int, int, int, int]:
            subtotal = gross - discount
            shipping = (
                0 if subtotal >= FREE_SHIPPING_CENTS or shipping_method == "pickup" else SHIPPING_CENTS[cur]
            )
            tax = (subtotal * tax_bp + 5000) // 10000
            return subtotal, shipping, tax, subtotal + shipping + tax

        subtotal, shipping, tax, total = money(0)
        started = {
            "order_id": order_id, "checkout_id": checkout_id, "affiliation": AFFILIATION[src],
            "value": cents_to_amount(gross), "revenue": cents_to_amount(subtotal), "shipping": cents_to_amount(shipping),
            "tax": cents_to_amount(tax), "discount": 0, "coupon": None, "currency": cur, "products": products,
        }  # fmt: skip
        steps.append(self._page(nav, "cart"))
        steps.append(("track", "Cart Viewed", {"cart_id": self._cart(nav), "products": products}, None))
        steps.append(("track", "Checkout Started", started, None))
        steps.append(self._page(nav, "checkout", step="shipping"))
        step1 = {"checkout_id": checkout_id, "step": 1, "shipping_method": shipping_method}
        steps.append(("track", "Checkout Step Viewed", step1, None))
        if outcome == CHECKOUT:
            if opt_a:
                steps.append(("track", "Checkout Step Completed", dict(step1), None))
            if opt_b:
                code = rng.choice(COUPONS)[0]
                steps.append(("track", "Coupon Entered", {"order_id": order_id, "cart_id": self._cart(nav),
                                                          "coupon_id": code}, None))  # fmt: skip
                steps.append(
                    (
                        "track",
                        "Coupon Denied",
                        {
                            "order_id": order_id,
                            "cart_id": self._cart(nav),
                            "coupon": code,
                            "reason": rng.choice(COUPON_DENIED),
                        },
                        None,
                    )
                )
            return steps, None

        steps.append(("track", "Checkout Step Completed", dict(step1), None))
        discount, coupon = 0, None
        if opt_a:
            coupon, pct, fixed = rng.choice(COUPONS)
            discount = min(gross, gross * pct // 100 + fixed)
            steps.append(("track", "Coupon Entered", {"order_id": order_id, "cart_id": self._cart(nav),
                                                      "coupon_id": coupon}, None))  # fmt: skip
            steps.append(("track", "Coupon Applied", {"order_id": order_id, "cart_id": self._cart(nav),
                                                      "coupon_id": coupon, "coupon_name": coupon,
                                                      "discount": cents_to_amount(discount)}, None))  # fmt: skip
        steps.append(self._page(nav, "checkout", step="payment"))
        step2 = {
            "checkout_id": checkout_id,
            "step": 2,
            "shipping_method": shipping_method,
            "payment_method": payment,
        }
        steps.append(("track", "Checkout Step Viewed", step2, None))
        steps.append(("track", "Payment Info Entered", {"checkout_id": checkout_id, "order_id": order_id, "step": 2,
                                                        "shipping_method": shipping_method,
                                                        "payment_method": payment}, None))  # fmt: skip
        steps.append(("track", "Checkout Step Completed", dict(step2), None))
        steps.append(self._page(nav, "confirmation"))
        subtotal, shipping, tax, total = money(discount)
        completed = {
            "checkout_id": checkout_id, "order_id": order_id, "affiliation": AFFILIATION[src],
            "total": cents_to_amount(total), "subtotal": cents_to_amount(subtotal),
            "revenue": cents_to_amount(subtotal), "shipping": cents_to_amount(shipping), "tax": cents_to_amount(tax),
            "discount": cents_to_amount(discount), "coupon": coupon, "currency": cur,
            "products": [dict(p) for p in products],
        }  # fmt: skip
        self._maybe_drop_product_id(rng, completed["products"])
        steps.append(("track", "Order Completed", completed, None))
        if opt_b:
            updated = dict(completed)
            updated["products"] = [dict(p) for p in products]
            steps.append(("track", "Order Updated", updated, None))
        order = {"id": order_id, "currency": cur, "revenue": subtotal, "total": total, "props": completed}
        return steps, order

    def _line(self, nav: _Nav, line: tuple[Product, str, int, int], position: int) -> dict[str, Any]:
        p, variant, price, qty = line
        d = dict(p.base)
        d["variant"] = variant
        d["price"] = cents_to_amount(price)
        d["quantity"] = qty
        d["position"] = position
        d["url"] = p.url
        d["image_url"] = p.image_url
        return d

    # ------------------------------------------------------------------ web and app sessions
    def _web_app(self, person: Person, rng: random.Random, t0: int, dev: int, epoch: int, outcome: int,
                 aux: int, n: int, flags: int) -> None:  # fmt: skip
        seed, em = self.seed, self.emitter
        tz, locale, currency, ip = person.tz, person.locale, person.currency, person.ip
        device: Device
        if dev == DEV_KIOSK:
            device = self.kiosks[aux]
            store = STORES[KIOSK_STORES[aux]]
            tz, currency = store[4], store[5]
            ip = f"{IP_PREFIXES[store[3]][0]}.{40 + store[0]}.{store[0] * 7 % 256}.{20 + aux}"
        elif dev == DEV_HOUSEHOLD:
            device = household_device(seed, person.head if person.head >= 0 else person.index)
        else:
            device = person.devices[dev]
        anon = device.anon_id(epoch)
        src = device.source
        app = src != "web"
        day = (t0 - START_MS) // DAY_MS
        nav = _Nav(rng, app, currency, day, person.categories)

        # context shared by the session's messages
        consent = {"categoryPreferences": dict(person.consent)} if person.consent_recorded else None
        campaign = None
        if app:
            cellular = dev < DEV_HOUSEHOLD and rng.random() < 0.4
            if cellular:
                ip = f"{rng.choice(IP_PREFIXES[person.country])}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            device_ctx: dict[str, Any] = {"id": device.device_id}
            if device.ad_id is not None:
                device_ctx["advertisingId"] = device.ad_id
            device_ctx["adTrackingEnabled"] = device.ad_enabled
            device_ctx["manufacturer"] = device.manufacturer
            device_ctx["model"] = device.model
            device_ctx["type"] = src
            base: dict[str, Any] = {
                "app": device.app,
                "device": device_ctx,
                "ip": ip,
                "library": LIB[src],
                "locale": locale,
                "network": {"carrier": CARRIERS[person.country], "cellular": cellular, "wifi": not cellular},
                "os": {"name": device.os_name, "version": device.os_version},
                "screen": device.screen,
                "timezone": tz,
            }
            if src == "android":
                base["userAgent"] = device.user_agent
        else:
            base = {
                "ip": ip,
                "library": LIB["web"],
                "locale": locale,
                "timezone": tz,
                "userAgent": device.user_agent,
            }
            if flags & F_CAMPAIGN:
                source, medium, name, term, content = rng.choice(CAMPAIGN_PARAMS)
                campaign = {"name": name, "source": source, "medium": medium}
                query = f"?utm_source={source}&utm_medium={medium}&utm_campaign={name}"
                if term:
                    campaign["term"] = term
                    query += f"&utm_term={quote_plus(term)}"
                if content:
                    campaign["content"] = content
                    query += f"&utm_content={content}"
                nav.landing_search = query
                nav.prev_url = {"google": "https://www.google.com/", "facebook": "https://www.facebook.com/",
                                "instagram": "https://www.instagram.com/", "tiktok": "https://www.tiktok.com/"
                                }.get(source, "")  # fmt: skip
        if consent is not None:
            base["consent"] = consent

        # the session's steps: browsing head, then the outcome's tail
        tail_plan = self._tail_plan(nav, outcome, n)
        head: list[Step] = []
        while len(head) < n - tail_plan[3]:
            head.extend(self._browse_unit(nav, not head)[: n - tail_plan[3] - len(head)])
        tail, order = self._tail(nav, person, src, outcome, tail_plan)
        seq: list[tuple[str, Any]] = [("core", step) for step in head + tail]

        def index_of(label: str) -> int:
            for i, (kind, step) in enumerate(seq):
                if kind == "core" and step[1] == label:
                    return i
            return rng.randint(1, len(seq))

        if flags & (F_LOGIN | F_SIGNUP):
            pos = (
                index_of("Checkout Started")
                if outcome >= CHECKOUT and rng.random() < 0.5
                else rng.randint(1, len(seq))
            )
            pos = max(pos, 1)
            if flags & F_SIGNUP:
                entries = ([("alias_chain", None)] if flags & F_ALIAS_CHAIN else []) + [
                    ("alias", None),
                    ("signup", None),
                ]
            else:
                entries = [("identify", None)]
            seq[pos:pos] = entries
        if flags & (F_IDENTIFY_EMAIL | F_IDENTIFY_JUNK):
            pos = index_of("Payment Info Entered") if outcome == ORDER else rng.randint(1, len(seq))
            seq.insert(max(pos, 1), ("anon_identify", None))
        if flags & F_GROUP:
            if flags & F_LOGGED_IN:
                pos = rng.randint(1, len(seq))
            else:
                pos = next(i for i, (kind, _) in enumerate(seq) if kind in ("identify", "signup")) + 1
            seq.insert(pos, ("group", None))

        # event times; app uploads are batched, offline sessions arrive hours or days later
        rnd = rng.random
        times = []
        t = t0
        for i, (kind, step) in enumerate(seq):
            if i:
                if kind == "core" and step[0] in ("page", "screen"):
                    t += 2000 + min(
                        int(rng.expovariate(1 / 25_000)), 15 * MIN_MS if dev != DEV_KIOSK else 8000
                    )
                elif kind == "core":
                    t += 300 + int(rnd() * 11_700)
                else:
                    t += 200 + int(rnd() * 2800)
            times.append(t)
        if app and flags & F_OFFLINE:
            upload = times[-1] + (rng.randint(HOUR_MS, 12 * HOUR_MS) if rng.random() < 0.6
                                  else rng.randint(12 * HOUR_MS, 72 * HOUR_MS))  # fmt: skip
            sends = [upload + i * 3 for i in range(len(times))]
        elif app:
            sends = [ev + 200 + int(rnd() * 29_800) for ev in times]
        else:
            sends = [ev + 5 + int(rnd() * 395) for ev in times]

        uid = person.user_id if flags & F_LOGGED_IN else None
        page = None
        ctx, ctx_json, ctx_key = base, JSON.encode(base), None
        skew = device.skew_ms
        legacy = device.legacy
        pid = person.person_id
        for i, ((kind, step), ev, send) in enumerate(zip(seq, times, sends, strict=True)):
            recv = send + 40 + int(rnd() * 860)
            if kind == "core" and step[3] is not None:
                page = step[3]
            if not app and page is not None and ctx_key is not page:  # context changes with the page
                ctx_key, ctx = page, dict(base)
                if campaign is not None and page["search"].startswith("?utm"):
                    ctx["campaign"] = campaign
                ctx["page"] = page
                ctx_json = JSON.encode(ctx)
            common = {"skew_ms": skew, "tz": tz, "legacy": legacy, "ctx_json": ctx_json}
            if kind == "core":
                mtype, label, props, _ = step
                ok = em.emit(src, mtype, label, uid, anon, None, "properties", props, ctx, pid, ev, send, recv,
                             first=i == 0, **common)  # fmt: skip
                if order is not None and label == "Order Completed":
                    self._after_order(person, rng, order, uid, anon, ev, ok, flags)
            elif kind == "identify":
                traits = {"email": person.email_typed}
                if person.phone_shared:
                    traits["phone"] = person.phone_typed
                em.emit(src, "identify", None, person.user_id, anon, None, "traits", traits, ctx, pid, ev, send, recv,
                        **common)  # fmt: skip
                uid = person.user_id
                if flags & F_SERVER_IDENTIFY:
                    s_ev = ev + rng.randint(100, 1500)
                    s_send = s_ev + rng.randint(5, 2000)
                    server_traits = {"email": person.email, "first_name": person.first_name,
                                     "last_name": person.last_name, "last_login_at": self.clock.iso(ev)}  # fmt: skip
                    if person.phone_shared:
                        server_traits["phone"] = person.phone
                    em.emit("server", "identify", None, person.user_id, None, None, "traits", server_traits,
                            SERVER_CTX, pid, s_ev, s_send, s_send + rng.randint(20, 400), ctx_json=SERVER_CTX_JSON)  # fmt: skip
            elif kind == "signup":
                traits = {"email": person.email_typed, "first_name": person.first_name,
                          "last_name": person.last_name}  # fmt: skip
                if person.phone_shared:
                    traits["phone"] = person.phone_typed
                traits["created_at"] = self.clock.iso(ev)
                em.emit(src, "identify", None, person.user_id, anon, None, "traits", traits, ctx, pid, ev, send, recv,
                        **common)  # fmt: skip
                uid = person.user_id
                s_ev = ev + rng.randint(300, 2000)
                s_send = s_ev + rng.randint(5, 2000)
                server_traits: dict[str, Any] = {
                    "created_at": self.clock.iso(ev),
                    "email": person.email,
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                }
                if person.phone_shared:
                    server_traits["phone"] = person.phone
                if person.loyalty_id:
                    server_traits["loyalty_id"] = person.loyalty_id
                server_traits["country"] = person.country
                em.emit("server", "identify", None, person.user_id, None, None, "traits", server_traits, SERVER_CTX,
                        pid, s_ev, s_send, s_send + rng.randint(20, 400), ctx_json=SERVER_CTX_JSON)  # fmt: skip
            elif kind == "alias":
                em.emit(src, "alias", None, person.user_id, anon, {"previousId": anon}, None, None, ctx, pid, ev,
                        send, recv, **common)  # fmt: skip
            elif kind == "alias_chain":
                previous = person.devices[aux >> 4].anon_id(aux & 15)
                em.emit(src, "alias", None, anon, anon, {"previousId": previous}, None, None, ctx, pid, ev, send,
                        recv, **common)  # fmt: skip
            elif kind == "anon_identify":
                if flags & F_IDENTIFY_JUNK:
                    traits = {
                        "email": rng.choice(
                            ("test@test.com", "none", "null", "undefined", "", "[object Object]")
                        )
                    }
                else:
                    traits = {"email": person.email_typed}
                if outcome != ORDER:
                    traits["newsletter_opt_in"] = True
                em.emit(
                    src,
                    "identify",
                    None,
                    None,
                    anon,
                    None,
                    "traits",
                    traits,
                    ctx,
                    pid,
                    ev,
                    send,
                    recv,
                    **common,
                )
            else:  # group
                group_id, traits = company_traits(person.company)
                em.emit(src, "group", None, person.user_id, anon, {"groupId": group_id}, "traits", traits, ctx, pid,
                        ev, send, recv, **common)  # fmt: skip

    def _after_order(self, person: Person, rng: random.Random, order: dict[str, Any], uid: str | None,
                     anon: str, ev: int, client_ok: bool, flags: int) -> None:  # fmt: skip
        """The backend's own events about a web/app order, and the order's accounting."""
        em = self.emitter
        pid = person.person_id
        server_uid = person.user_id if uid == person.user_id else None
        server_anon = None if server_uid else anon
        ok = client_ok
        if flags & F_SERVER_ORDER:
            s_ev = ev + rng.randint(1000, 20_000)
            s_send = s_ev + rng.randint(5, 3000)
            ok |= em.emit("server", "track", "Order Completed", server_uid, server_anon, None, "properties",
                          order["props"], SERVER_CTX, pid, s_ev, s_send, s_send + rng.randint(20, 400), ctx_json=SERVER_CTX_JSON)  # fmt: skip
        if ok:
            self._count_order(order["currency"], order["revenue"], order["props"]["products"])
        for flag, label in ((F_REFUND, "Order Refunded"), (F_CANCEL, "Order Cancelled")):
            if not flags & flag:
                continue
            if flag == F_REFUND:
                delay = rng.randint(2 * DAY_MS, 25 * DAY_MS)
                if rng.random() < 0.3:
                    line = dict(rng.choice(order["props"]["products"]))
                    line.pop("position", None)
                    amount = round(line["price"] * 100) * line["quantity"]
                    props = {"order_id": order["id"], "total": cents_to_amount(amount), "currency": order["currency"],
                             "products": [line]}  # fmt: skip
                else:
                    props = {"order_id": order["id"], "total": cents_to_amount(order["total"]),
                             "currency": order["currency"]}  # fmt: skip
                self.refunds += 1
            else:
                delay = rng.randint(10 * MIN_MS, 6 * HOUR_MS)
                props = {"order_id": order["id"], "total": cents_to_amount(order["total"]),
                         "currency": order["currency"],
                         "reason": rng.choice(("customer_request", "payment_failed", "out_of_stock"))}  # fmt: skip
                self.cancellations += 1
            s_ev = ev + delay
            if s_ev >= END_MS:  # keep the backend's events inside the period
                s_ev = ev + int((END_MS - 1 - ev) * (0.2 + 0.8 * rng.random()))
            s_send = s_ev + rng.randint(5, 3000)
            em.emit("server", "track", label, server_uid, server_anon, None, "properties", props, SERVER_CTX, pid,
                    s_ev, s_send, s_send + rng.randint(20, 400), ctx_json=SERVER_CTX_JSON)  # fmt: skip

    def _maybe_drop_product_id(self, rng: random.Random, products: list[dict[str, Any]]) -> None:
        """A few orders carry a product line without product_id (the order is otherwise valid)."""
        self.orders_made += 1
        if self.orders_made in FORCED_MISSING_PRODUCT_ID or rng.random() < P_MISSING_PRODUCT_ID:
            del products[rng.randrange(len(products))]["product_id"]

    def _count_order(self, currency: str, revenue_cents: int, products: list[dict[str, Any]]) -> None:
        self.orders += 1
        self.revenue_cents[currency] = self.revenue_cents.get(currency, 0) + revenue_cents
        self.order_lines += len(products)
        self.order_lines_missing += sum(1 for line in products if "product_id" not in line)

    # ------------------------------------------------------------------ other sources
    def _email(self, person: Person, rng: random.Random, t0: int, campaign: int, flags: int) -> None:
        em = self.emitter
        _, index, name, subject = CAMPAIGNS[campaign]
        uid = person.user_id if flags & F_USE_USER_ID else None
        anon = None if uid else esp_anon_id(self.seed, person.index)
        props = {
            "campaign_id": f"cmp_{index + 1:03d}",
            "campaign_name": name,
            "email_id": "em_" + hex_id(16, self.seed, person.index, index),
            "email_subject": subject,
            "email_type": "marketing",
        }
        ctx = {"library": LIB["email"], "traits": {"email": person.email}}
        send = t0 + rng.randint(1000, 900_000)
        em.emit("email", "track", "Email Opened", uid, anon, None, "properties", props, ctx, person.person_id, t0,
                send, send + rng.randint(20, 500), first=True)  # fmt: skip
        if flags & F_EMAIL_CLICK:
            ev = t0 + rng.randint(5000, 600_000)
            clicked = dict(props)
            clicked["link_id"] = rng.choice(("hero", "product_1", "product_2", "footer"))
            clicked["link_url"] = (f"{SHOP_URL}/?utm_source=newsletter&utm_medium=email"
                                   f"&utm_campaign=cmp_{index + 1:03d}")  # fmt: skip
            send = ev + rng.randint(1000, 900_000)
            em.emit("email", "track", "Email Link Clicked", uid, anon, None, "properties", clicked, ctx,
                    person.person_id, ev, send, send + rng.randint(20, 500))  # fmt: skip

    def _basket(self, nav: _Nav, count: int, markup_pct: int = 0) -> list[tuple[Product, str, int, int]]:
        lines = []
        for _ in range(count):
            p = self._product(nav)
            price = self._price(p, nav.currency, nav.day) * (100 + markup_pct) // 100
            lines.append((p, nav.rng.choice(p.variants), price, nav.rng.choices((1, 2), (85, 15))[0]))
        return lines

    def _pos(self, person: Person, rng: random.Random, t0: int, k: int, flags: int) -> None:
        store_no, store_name, city, country, tz, currency, _ = STORES[person.store]
        nav = _Nav(rng, True, currency, (t0 - START_MS) // DAY_MS, person.categories)
        lines = self._basket(nav, rng.choices((1, 2, 3, 4, 5), (40, 28, 16, 10, 6))[0])
        products = [self._line(nav, ln, i + 1) for i, ln in enumerate(lines)]
        gross = sum(price * qty for _, _, price, qty in lines)
        discount = gross * 5 // 100 if flags & F_POS_LOYALTY and rng.random() < 0.3 else 0
        subtotal = gross - discount
        tax_bp = TAX_BP.get(country, 0) if country != "US" else 887
        tax = (subtotal * tax_bp + 5000) // 10000
        self.pos_no += 1
        self._maybe_drop_product_id(rng, products)
        props = {
            "order_id": f"POS-{store_no:03d}-{self.pos_no:07d}", "checkout_id": None,
            "affiliation": store_name, "store_id": f"store_{store_no:03d}",
            "total": cents_to_amount(subtotal + tax), "subtotal": cents_to_amount(subtotal),
            "revenue": cents_to_amount(subtotal), "shipping": 0, "tax": cents_to_amount(tax),
            "discount": cents_to_amount(discount), "coupon": None, "currency": currency,
            "payment_method": rng.choice(("card", "card", "contactless", "cash")), "products": products,
        }  # fmt: skip
        ctx: dict[str, Any] = {}
        if flags & F_POS_LOYALTY:
            ctx["externalIds"] = [{"id": person.loyalty_id, "type": "loyalty_id", "collection": "users",
                                   "encoding": "none"}]  # fmt: skip
        ctx["library"] = LIB["pos"]
        ctx["location"] = {"city": city, "country": country}
        ctx["timezone"] = tz
        if flags & F_POS_TRAITS:
            if person.receipt == "email":
                typed = person.email if rng.random() < 0.6 else person.email.upper()
                ctx["traits"] = {"email": typed}
            else:
                ctx["traits"] = {"phone": person.phone_typed}
        elif flags & F_POS_JUNK:
            ctx["traits"] = {"email": rng.choice(("none", "test@test.com", ""))}
        uid = person.user_id if flags & F_USE_USER_ID else None
        ev = t0 - t0 % 1000  # the till's clock has whole seconds
        late = rng.random() < 0.05  # the store's connection was down: synced hours later
        send = ev + (rng.randint(2, 30) * HOUR_MS if late else rng.randint(2, 600) * 1000)
        ok = self.emitter.emit("pos", "track", "Order Completed", uid, pos_anon_id(self.seed, person.index, k), None,
                               "properties", props, ctx, person.person_id, ev, send, send + rng.randint(50, 900),
                               tz=tz, first=True, millis=False)  # fmt: skip
        if ok:
            self._count_order(currency, subtotal, products)

    def _marketplace(self, person: Person, rng: random.Random, t0: int, k: int, flags: int) -> None:
        currency = person.currency
        nav = _Nav(rng, True, currency, (t0 - START_MS) // DAY_MS, person.categories)
        lines = self._basket(nav, rng.choices((1, 2), (75, 25))[0], markup_pct=5)
        products = [self._line(nav, ln, i + 1) for i, ln in enumerate(lines)]
        subtotal = sum(price * qty for _, _, price, qty in lines)
        shipping = 0 if subtotal >= FREE_SHIPPING_CENTS else SHIPPING_CENTS[currency]
        order_id = "MKT-" + hex_id(12, self.seed, D_SESSION, person.index, k).upper()
        self._maybe_drop_product_id(rng, products)
        props = {
            "order_id": order_id, "affiliation": "ShopMall Marketplace", "total": cents_to_amount(subtotal + shipping),
            "subtotal": cents_to_amount(subtotal), "revenue": cents_to_amount(subtotal),
            "shipping": cents_to_amount(shipping), "tax": 0, "discount": 0, "coupon": None, "currency": currency,
            "products": products,
        }  # fmt: skip
        ctx = {
            "externalIds": [{"id": person.marketplace_id, "type": "marketplace_customer_id", "collection": "users",
                             "encoding": "none"}],
            "library": LIB["marketplace"],
            "traits": {"email": person.email if flags & F_MKT_REAL_EMAIL else person.relay_email},
        }  # fmt: skip
        send = t0 + rng.randint(5 * MIN_MS, 6 * HOUR_MS)  # the connector syncs a few times a day
        ok = self.emitter.emit("marketplace", "track", "Order Completed", None, market_anon_id(self.seed, person.index, k),
                               None, "properties", props, ctx, person.person_id, t0, send, send + rng.randint(50, 900),
                               first=True)  # fmt: skip
        if ok:
            self._count_order(currency, subtotal, products)
