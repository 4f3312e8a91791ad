"""Benchmark the point-in-time competitor enrichment against a plain equi-join, in DuckDB.

Generates N product events and M competitor observations in-database (synthetic), then times, in
the same run and on the same tables:
  1. equi_join   - the "current price" shortcut: every event joined to each competitor's latest
                   observation of the product (one row per event and competitor, like the as-of
                   result before its freshness filter); plain hash equi-joins, the baseline;
  2. as_of_window - the project's as-of SQL (int_enrichment__competitor_prices_as_of): union of
                   event and observation rows per (product, competitor), running max of the
                   observation sequence, join back, freshness filter;
  3. asof_join   - DuckDB's native ASOF JOIN, for reference.
Each step materialises its result (CREATE TABLE), like dbt does. Run at two scales to show
near-linear growth:  python scripts/benchmark_enrichment.py --events 10000000 --observations 1000000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

FRESHNESS_HOURS = 168


def setup(
    con: duckdb.DuckDBPyConnection, events: int, observations: int, products: int, competitors: int
) -> None:
    per_pair = max(1, observations // (products * competitors))
    con.execute(f"""
        create or replace table observations as
        select
            'c' || (i % {competitors}) as competitor,
            (i // {competitors}) % {products} as product_id,
            timestamp '2026-09-02' + to_seconds(cast(hash(i, 'o') % (90 * 86400) as bigint)) as observed_at,
            'o' || i as observation_id,
            cast(10 + hash(i, 'p') % 50000 / 100.0 as decimal(18, 4)) as price,
            hash(i, 's') % 10 > 0 as is_in_stock
        from range({products * competitors * per_pair}) as t(i)
    """)
    con.execute(f"""
        create or replace table events as
        select
            'l' || i as product_line_key,
            cast(hash(i, 'e') % {products} as bigint) as product_id,
            timestamp '2026-09-02' + to_seconds(cast(hash(i, 't') % (90 * 86400) as bigint)) as event_at
        from range({events}) as t(i)
    """)
    con.execute("""
        create or replace table observations_sequenced as
        select
            *,
            row_number() over (partition by product_id, competitor order by observed_at, observation_id)
                as observation_seq
        from observations
    """)


EQUI_JOIN = """
create or replace table result_equi as
with latest as (
    select product_id, competitor, max(observation_seq) as observation_seq
    from observations_sequenced group by all
)
select events.product_line_key, obs.competitor, obs.price, obs.is_in_stock
from events
inner join latest
    on events.product_id = latest.product_id
inner join observations_sequenced as obs
    on latest.product_id = obs.product_id and latest.competitor = obs.competitor
    and latest.observation_seq = obs.observation_seq
"""

AS_OF_WINDOW = f"""
create or replace table result_window as
with competitor_products as (
    select distinct product_id, competitor from observations_sequenced
),
timeline as (
    select events.product_line_key, events.product_id, competitor_products.competitor,
           events.event_at as sorted_at, 1 as row_kind, cast(null as bigint) as observation_seq
    from events inner join competitor_products on events.product_id = competitor_products.product_id
    union all
    select null, product_id, competitor, observed_at, 0, observation_seq from observations_sequenced
),
carried as (
    select *, max(observation_seq) over (
        partition by product_id, competitor order by sorted_at, row_kind
        rows between unbounded preceding and current row) as latest_seq
    from timeline
)
select carried.product_line_key, carried.competitor, obs.price, obs.is_in_stock
from carried
inner join observations_sequenced as obs
    on carried.product_id = obs.product_id and carried.competitor = obs.competitor
    and carried.latest_seq = obs.observation_seq
where carried.row_kind = 1
  and obs.observed_at >= carried.sorted_at - interval {FRESHNESS_HOURS} hour
"""

ASOF_JOIN = f"""
create or replace table result_asof as
with competitor_products as (
    select distinct product_id, competitor from observations_sequenced
),
event_competitors as (
    select events.*, competitor_products.competitor
    from events inner join competitor_products on events.product_id = competitor_products.product_id
)
select event_competitors.product_line_key, event_competitors.competitor, obs.price, obs.is_in_stock
from event_competitors
asof inner join observations_sequenced as obs
    on event_competitors.product_id = obs.product_id and event_competitors.competitor = obs.competitor
    and event_competitors.event_at >= obs.observed_at
where obs.observed_at >= event_competitors.event_at - interval {FRESHNESS_HOURS} hour
"""


def timed(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    start = time.perf_counter()
    con.execute(sql)
    return time.perf_counter() - start


def run(events: int, observations: int, products: int, competitors: int, threads: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        con.execute(f"set threads = {threads}")
        con.execute("set preserve_insertion_order = false")
        t0 = time.perf_counter()
        setup(con, events, observations, products, competitors)
        results = {"setup": time.perf_counter() - t0}
        results["equi_join"] = timed(con, EQUI_JOIN)
        results["as_of_window"] = timed(con, AS_OF_WINDOW)
        results["asof_join"] = timed(con, ASOF_JOIN)
        results["rows_window"] = con.sql("select count(*) from result_window").fetchall()[0][0]
        results["rows_asof"] = con.sql("select count(*) from result_asof").fetchall()[0][0]
        results["rows_equi"] = con.sql("select count(*) from result_equi").fetchall()[0][0]
        results["observations"] = con.sql("select count(*) from observations").fetchall()[0][0]
        con.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--competitors", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    print(f"duckdb {duckdb.__version__}, threads={args.threads}")
    r = run(args.events, args.observations, args.products, args.competitors, args.threads)
    print(
        f"events {args.events:,}, observations {r['observations']:,}, products {args.products:,}, "
        f"competitors {args.competitors}; setup {r['setup']:.1f} s"
    )
    print(f"equi_join     {r['equi_join']:8.2f} s  rows {r['rows_equi']:,}")
    print(
        f"as_of_window  {r['as_of_window']:8.2f} s  rows {r['rows_window']:,}  ratio {r['as_of_window'] / r['equi_join']:.2f}x"
    )
    print(
        f"asof_join     {r['asof_join']:8.2f} s  rows {r['rows_asof']:,}  ratio {r['asof_join'] / r['equi_join']:.2f}x"
    )
    if r["rows_window"] != r["rows_asof"]:
        raise SystemExit("as-of window and ASOF JOIN disagree on the number of rows")


if __name__ == "__main__":
    main()
