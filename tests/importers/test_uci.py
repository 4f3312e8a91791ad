"""`cdp import uci` on the real UCI Online Retail line sample (2010-12-08 -> 2011-12-09)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.importers._shared import Landed, assert_valid_segment, import_again_identical, real_dataset

DATASET = real_dataset("uci_online_retail")


def _csv_glob(raw_path: Path) -> str:
    raw_path = Path(raw_path)
    glob = raw_path / "*.csv" if raw_path.is_dir() else raw_path
    return str(glob).replace("'", "''")


def expected_uci(raw_path: Path) -> dict:
    """Warehouse expectations from the raw CSV only (DuckDB, every column as text).

    One Order Completed per InvoiceNo with revenue = round(sum(UnitPrice * Quantity), 2) over all its
    lines (exact duplicate lines included: they are in the export); one identify per CustomerID.
    """
    con = duckdb.connect()
    con.execute(
        f"create view u as select * from read_csv('{_csv_glob(raw_path)}', header = true, all_varchar = true)"
    )
    rows, invoices, customers, countries, distinct_rows = con.execute(
        "select count(*), count(distinct InvoiceNo), count(distinct CustomerID), count(distinct Country), "
        "(select count(*) from (select distinct * from u)) from u"
    ).fetchone()
    revenue = con.execute(
        """
        select sum(r) from (
            select InvoiceNo, round(sum(UnitPrice::decimal(18, 3) * Quantity::integer), 2) as r
            from u group by InvoiceNo
        )
        """
    ).fetchone()[0]
    quantity = con.execute("select sum(Quantity::integer) from u").fetchone()[0]
    return {
        "input_rows": rows,
        "messages": invoices + customers,
        "events_by_type": {"identify": customers, "track": invoices},
        "events_by_name": {"Order Completed": invoices},
        "distinct_orders": invoices,
        "revenue": float(revenue),
        "currency": "GBP",
        "order_lines": rows,
        "units": int(quantity),
        "distinct_user_ids": customers,
        "countries": countries,
        "exact_duplicate_lines": rows - distinct_rows,
        "duplicate_message_ids": 0,
    }


@pytest.fixture(scope="module")
def expected() -> dict:
    return expected_uci(DATASET)


@pytest.fixture(scope="module")
def landed(landed_real) -> Landed:
    return landed_real("uci", DATASET)


def _order(landed: Landed, invoice: str) -> dict:
    found = [m for m in landed.tracks("Order Completed") if m["properties"]["order_id"] == invoice]
    assert len(found) == 1
    return found[0]


def test_counts_match_the_raw_file(landed, expected):
    assert expected["input_rows"] == 9_738
    assert len(landed.messages) == expected["messages"] == 6_302 + 2_625
    assert landed.by_type() == expected["events_by_type"]
    assert landed.by_event() == expected["events_by_name"]
    assert landed.duplicate_message_ids() == expected["duplicate_message_ids"]
    identifies = [m for m in landed.messages if m["type"] == "identify"]
    assert len({m["userId"] for m in identifies}) == expected["distinct_user_ids"]
    assert len({m["traits"]["country"] for m in identifies}) == expected["countries"] == 32


def test_every_message_is_valid_segment(landed):
    for message in landed.messages:
        assert_valid_segment(message)
        assert message["userId"].isdigit()  # '17850.0' -> '17850'


def test_day_first_date_in_summer_is_bst(landed):
    # 558647,71477,COLOUR GLASS. STAR T-LIGHT HOLDER,4,01-07-2011 10:39,3.25,14868.0  (1 July, not 7 Jan)
    m = _order(landed, "558647")
    assert m["timestamp"] == "2011-07-01T09:39:00Z"
    assert m["userId"] == "14868"
    assert m["properties"] == {
        "order_id": "558647",
        "revenue": 13.0,
        "currency": "GBP",
        "products": [
            {
                "product_id": "71477",
                "sku": "71477",
                "name": "COLOUR GLASS. STAR T-LIGHT HOLDER",
                "price": 3.25,
                "quantity": 4,
                "position": 1,
            }
        ],
    }


def test_day_first_date_in_winter_is_gmt(landed):
    # 539993,85099B,JUMBO BAG RED RETROSPOT,10,04-01-2011 10:00,1.95,13313.0  (4 January, not 1 April)
    m = _order(landed, "539993")
    assert m["timestamp"] == "2011-01-04T10:00:00Z"
    assert m["properties"]["revenue"] == 19.5
    assert m["properties"]["products"][0]["product_id"] == "85099B"


def test_invoice_time_is_its_earliest_line(landed):
    m = _order(landed, "541816")  # lines at 15:56 and 15:57
    assert m["timestamp"] == "2011-01-21T15:56:00Z"
    assert m["properties"]["revenue"] == round(2 * 9.95 + 6 * 1.65, 2)


def test_description_is_trimmed_and_space_collapsed(landed):
    m = _order(landed, "577258")  # "LUNCH BAG  BLACK SKULL."
    assert m["properties"]["products"][0]["name"] == "LUNCH BAG BLACK SKULL."
    assert m["timestamp"] == "2011-11-18T12:27:00Z"  # GMT again after 30 Oct 2011
    names = [p["name"] for m in landed.tracks("Order Completed") for p in m["properties"]["products"]]
    assert all(n == n.strip() and "  " not in n for n in names)


def test_exact_duplicate_lines_stay_as_two_products(landed, expected):
    assert expected["exact_duplicate_lines"] == 2
    products = _order(landed, "539053")["properties"]["products"]
    assert [p["product_id"] for p in products].count("22837") == 2


def test_money_sums_match_the_raw_file(landed, expected):
    orders = landed.tracks("Order Completed")
    revenue = sum(Decimal(str(m["properties"]["revenue"])) for m in orders)
    assert float(revenue) == expected["revenue"]
    assert sum(len(m["properties"]["products"]) for m in orders) == expected["order_lines"]
    assert sum(p["quantity"] for m in orders for p in m["properties"]["products"]) == expected["units"]


def test_identify_per_customer_with_country(landed):
    m = next(m for m in landed.messages if m["type"] == "identify" and m["userId"] == "16764")
    assert m["traits"] == {"country": "United Kingdom"}


def test_reimport_is_byte_identical(landed, tmp_path):
    assert import_again_identical("uci", DATASET, landed, tmp_path)
