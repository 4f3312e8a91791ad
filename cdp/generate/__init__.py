"""`cdp generate`: a deterministic sample shop world, with the mess real pipelines see.

The same seed and `--events N` give byte-identical files. Nothing reads the wall clock: the
world covers the 90 days from 2026-09-02 to 2026-11-30 (Cyber Monday; Black Friday is
2026-11-27, with the traffic spike that goes with it). Memory stays flat as N grows: persons are
planned one at a time and their session plans spill to per-day temporary files; messages are
then generated session by session in start-time order through a small delay queue.

Output (OUT defaults to `data/`)
--------------------------------
`OUT/landing/segment/<source>/part-00001.jsonl.gz ...`: gzip NDJSON, one Segment-spec message
per line, in receivedAt order within each source:

- `web`: analytics.js page + track; anonymousId per browser cookie, userId after log-in;
  `context.page`, `context.campaign` (utm parameters) on ~20% of sessions' landing pages.
- `ios`, `android`: screen + track from the apps, `context.device` (id, advertisingId,
  adTrackingEnabled, type), `context.app`, `context.os`, `context.network`, `context.screen`.
- `server`: the backend. Identify with traits at sign-up and at half the log-ins, and Order
  Completed (for ~70% of web/app orders: the same order_id a second time, same properties),
  Order Refunded, Order Cancelled. Each line is an HTTP-API batch envelope
  `{"batch": [msg, ...], "sentAt": ...}` of 1-20 messages received within 15 minutes.
- `pos`: in-store purchases (Order Completed) with `context.externalIds` loyalty ids, sometimes
  a receipt e-mail or phone in `context.traits`; one anonymousId per transaction.
- `email`: Email Opened / Email Link Clicked for campaign sends, with userId when the
  subscriber has an account, otherwise an ESP anonymousId plus `context.traits.email`.
- `marketplace`: Order Completed from a marketplace connector with `marketplace_customer_id`
  external ids and a relay (or sometimes the real) e-mail.

Every message has `type`, `messageId` (digest of seed and a counter), `userId` and/or
`anonymousId`, `timestamp` (= receivedAt - (sentAt - originalTimestamp), as Segment computes
it), `originalTimestamp`, `sentAt`, `receivedAt` (ISO-8601 strings; the till sends whole
seconds), `context` (ip,
userAgent, locale, timezone, library, consent `categoryPreferences` for most people),
`properties` or `traits`, and `integrations: {}`. Track events use the 28 Segment ecommerce
v2 names plus Email Opened / Email Link Clicked. Money is consistent to the cent: subtotal =
sum(price * quantity) - discount, revenue = subtotal, total = subtotal + shipping + tax.
Currencies are USD, EUR and GBP (by the buyer's country or the store's).

Files roll over every `rows_per_file` lines (N/10, between 5k and 250k). Landed files and CSVs
are written under a temporary name and renamed when complete; a failed run removes what it
wrote, so there is never half a world. `OUT/landing/_incoming/` is the writers' scratch space.

`OUT/landing/catalog/products.csv`: the products the events refer to (~500 for 200k events,
growing with sqrt(N), at most 20k), one row per version in product_id, valid_from order: every
product's version from before the period, and for ~10% a second row whose `valid_from` (a date
inside the period) brings a new list price (cuts from mid-November on), ~30% of them with a new
inventory_status too. Events keep sending the original shelf price.
`OUT/landing/competitors/price_observations.csv`: 3-5 competitors observing the catalog a few
times a week, prices as scraped text in mixed locales; a listing's review_count grows over time
and never shrinks. `OUT/landing/competitors/bestseller_ranks.csv` (competitor, category, rank,
listing_key, observed_at): three of them scrape their top 10-20 per category once a day, our
products' listing keys mixed with products we do not sell. `OUT/landing/competitors/
trending_searches.csv` (competitor, category, rank, search_term, observed_at): two of them, the
day's top 10 search terms per category, holiday terms rising towards Black Friday. Categories
are named the competitor's way (`A > B > C`, the leaf, or `A / B / C`). These two files do not
grow with N (~90k and 41,400 rows).

The world
---------
About one person per 40 messages. A person has 1-3 browsers or app installs, an e-mail and
often a phone, and maybe an account (`u_0001234`; existing, created during the period, or
never), a loyalty id, a marketplace customer id, a B2B account (group calls). Sessions are
funnels: pages, product lists and product views, some add to cart, some check out, ~3% order.
Identity is as tangled as in real life: log-ins on a second device; cookies that reset
(Safari's 7-day cap, clearing, `analytics.reset()` at log-out) giving a person several
anonymousIds; alias at sign-up, sometimes chained (old anonymousId -> new anonymousId ->
userId); newsletter and guest-checkout identify calls without a userId; households (~1% of
devices) where two people log in with their own accounts on one family computer or tablet, the
anonymous events before each log-in belonging to the one who logs in next; and in-store kiosk
iPads used by many customers. E-mails are sometimes typed with capitals or surrounding spaces,
phones in assorted national and international formats.

Noise (all counted in expected.json)
------------------------------------
- ~1% duplicate copies: same messageId and body, later receivedAt, in the same or a later file.
- ~3% of devices have a wrong clock (minutes to days): originalTimestamp and sentAt are both
  shifted, receivedAt is true, and receivedAt - (sentAt - originalTimestamp) is right again.
- Late arrivals: offline app sessions uploaded hours or days later, store tills syncing late.
- ~0.5% far-future events (client messages): a spoofed originalTimestamp years ahead with a
  true sentAt, or only `timestamp` given; the skew formula does not fix them.
- ~5% of app, browser and till messages write their client times with the local UTC offset
  (`-05:00`, `+05:30`, `+00:00`, ...) instead of `Z`: the same instant.
- Junk identifiers: userId `null`, `undefined`, `none`, `anonymous`, `0`, `-1`, `""`,
  `[object Object]` or JSON null on ~1% of client events (which still carry the anonymousId);
  junk e-mails (`test@test.com`, `none`, ...) in newsletter forms and at the till; iOS
  advertisingId `00000000-0000-0000-0000-000000000000` when tracking is off.
- Non-canonical event names (the warehouse maps them back): `order_completed`,
  `Order completed`, `Completed Order`, `product viewed`, `Viewed Product`, `Added Product`,
  `productAdded`; an old Android app version sends the v1 names throughout.
- ~0.3% malformed lines, each with exactly one problem, by quarantine reason: `invalid_json`
  (truncated line), `missing_type`, `unknown_type` (`trak`), `missing_message_id`,
  `missing_identity` (no userId or anonymousId, absent or empty), `unparseable_timestamp`
  (`timestamp` is e.g. `yesterday`; the other times stay valid), `non_numeric_amount`
  (Order Completed revenue `abc`), `non_numeric_price` (an Order Completed product price
  `12,99 EUR`; these two hit ~2% of Order Completed events). The first message of a session
  and identify/alias/group calls are never malformed. On the server source a malformed message
  is a one-message envelope of its own. A few Order
  Completed product lines lack `product_id` inside otherwise valid orders.

Ground truth (`OUT/ground_truth/`, not under landing)
----------------------------------------------------
- `messages.csv.gz`: message_id, person_id: who really generated each distinct valid message.
- `identifiers.csv`: identifier_type (user_id | anonymous_id | email | phone | device_id |
  advertising_id | loyalty_id | marketplace_customer_id), identifier_value (e-mail trimmed and
  lower-cased, phone in E.164), person_id: every identifier that appears in a valid message,
  junk excluded; a shared device's or kiosk's ids appear once for each of its persons.
- `malformed.csv`: file, line, batch_index, reason, message_id of every malformed line.
- `expected.json`: exact counts by construction:

  - `generator`: name, version, seed, events_requested, rows_per_file, period {start, end, days}
  - `persons`: number of persons
  - `files`: {path relative to OUT/landing: {lines, messages, duplicate_copies, malformed
    {reason: n}}} per landed Segment file (`messages` counts the messages of every parseable
    line, each batch element once; a truncated line counts none), plus
    `catalog/products.csv`, `competitors/price_observations.csv`, `competitors/bestseller_ranks.csv`
    and `competitors/trending_searches.csv` as {lines, rows}
  - `totals`: lines, messages, distinct_valid_messages, duplicate_copies, malformed_lines
  - `duplicate_copies`: n; `malformed_lines`: {reason: n} for all eight codes
  - `messages_by_type`, `messages_by_source`: distinct valid messages
  - `track_events_by_canonical_name`: distinct valid track messages, variants mapped back
  - `track_event_name_variants`: {variant spelling: n}
  - `orders`: distinct_orders (order_ids with at least one valid Order Completed),
    revenue_by_currency {currency: sum of their revenue}, product_lines and
    product_lines_missing_product_id (one Order Completed per order)
  - `order_completed_product_lines`, `order_completed_product_lines_missing_product_id`:
    over all distinct valid Order Completed messages (an order sent by client and server
    counts twice)
  - `far_future_events`: distinct valid messages whose skew-corrected time is years ahead
  - `noise`: junk_user_id_messages, timestamps_with_offset, clock_skewed_messages,
    late_messages (received more than an hour after the event)
  - `identifiers_by_type`: rows of identifiers.csv per type
  - `catalog`: {products, versions} (rows of products.csv; every extra version changes the list
    price); `competitors`: {names, observations, bestseller_ranks, trending_searches}

Use
---
`generate_world(out_dir, n_events, seed, force, *, rows_per_file=None, progress=None)` returns
a one-line summary; it raises `WorldExistsError` (a `FileExistsError`) when OUT already holds
a world and `force` is false. Progress goes to stderr from 100k events.
"""

from cdp.generate._base import EVENT_NAME_VARIANTS, MALFORMED_REASONS, SOURCES
from cdp.generate.world import WorldExistsError, generate_world

__all__ = ["EVENT_NAME_VARIANTS", "MALFORMED_REASONS", "SOURCES", "WorldExistsError", "generate_world"]
