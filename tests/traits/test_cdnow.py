"""CDNOW (real data) through the whole warehouse: the RFM/CLV inputs of customer_traits match a
plain pandas recomputation from the raw file exactly, and the SQL grid-search BG/NBD fit is as good
as scipy's optimum on the same summary."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

from cdp.importers import run_import
from tests.helpers import SHARED_REAL, build_warehouse, query

CDNOW = SHARED_REAL / "cdnow_transactions" / "CDNOW_master_excluding_sample_customers.txt"
AS_OF = "1998-07-01 00:00:00"
OBSERVATION_END = pd.Timestamp("1998-06-30")
HORIZON = 365

pytestmark = pytest.mark.skipif(not CDNOW.exists(), reason=f"{CDNOW} not available")


def raw_summary() -> pd.DataFrame:
    """lifetimes' summary_data_from_transaction_data(freq='D') recomputed with pandas: one row per
    customer with frequency (repeat purchase days), recency and T in days, and the mean value of
    the repeat purchase days (the first purchase day excluded)."""
    raw = pd.read_csv(CDNOW, sep=r"\s+", dtype={"customer_id": str, "date": str})
    raw["day"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    days = raw.groupby(["customer_id", "day"], as_index=False)["dollar_value"].sum()
    days = days.sort_values(["customer_id", "day"])
    days["is_first"] = ~days.duplicated("customer_id")
    per = days.groupby("customer_id").agg(first=("day", "min"), last=("day", "max"), n_days=("day", "count"))
    per["frequency"] = per["n_days"] - 1
    per["recency"] = (per["last"] - per["first"]).dt.days
    per["T"] = (OBSERVATION_END - per["first"]).dt.days
    repeat = days[~days["is_first"]].groupby("customer_id")["dollar_value"].mean()
    per["monetary"] = repeat.reindex(per.index)
    return per


def bgnbd_log_likelihood(params, x, t_x, age) -> float:
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + age)
    with np.errstate(divide="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x), -np.inf)
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


@pytest.fixture(scope="module")
def cdnow(tmp_path_factory):
    out = tmp_path_factory.mktemp("cdnow")
    landing = out / "landing"
    run_import("cdnow", CDNOW, landing)
    started = time.monotonic()
    # models, seeds and the catalog snapshot upstream of customer_traits, without the data tests
    # attached to them (indirect selection off): those run in the fixture and sample builds
    select = " ".join(f"+customer_traits,resource_type:{kind}" for kind in ("model", "seed", "snapshot"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_INDIRECT_SELECTION", "empty")
        db = build_warehouse(landing, out / "cdnow.duckdb", select=select, extra_vars={"cdp__as_of": AS_OF})
    seconds = time.monotonic() - started
    print(f"CDNOW build (+customer_traits models): {seconds:.1f} s")
    traits = pd.DataFrame(
        query(
            db,
            """
            select p.primary_user_id, t.order_count, t.clv_frequency, t.clv_recency_days, t.clv_age_days,
                   t.clv_monetary_value, t.probability_alive, t.predicted_purchases_365d,
                   t.expected_average_order_value, t.rfm_segment, t.lifetime_revenue
            from marts.customer_traits as t
            inner join marts.dim_profiles as p on t.profile_id = p.profile_id
            """,
        ),
        columns=[
            "customer_id", "order_count", "frequency", "recency", "T", "monetary", "p_alive",
            "predicted", "expected_aov", "rfm_segment", "lifetime_revenue",
        ],
    ).set_index("customer_id")
    bgnbd = query(db, "select r, alpha, a, b, log_likelihood from intermediate.int_traits__bgnbd_parameters")[0]
    gamma_gamma = query(
        db, "select p, q, gamma, log_likelihood from intermediate.int_traits__gamma_gamma_parameters"
    )[0]
    return traits, bgnbd, gamma_gamma, seconds


def test_build_is_fast_enough(cdnow):
    *_, seconds = cdnow
    assert seconds < 90, f"CDNOW build took {seconds:.1f} s"


def test_every_customer_has_exactly_the_lifetimes_summary(cdnow):
    traits, *_ = cdnow
    expected = raw_summary()
    assert len(traits) == len(expected) == 21_213
    assert set(traits.index) == set(expected.index)  # zero padding kept: '00001', not '1'
    joined = expected.merge(traits, left_index=True, right_index=True, how="left", suffixes=("", "_sql"))
    mismatched = joined[
        (joined["frequency"] != joined["frequency_sql"])
        | (joined["recency"] != joined["recency_sql"])
        | (joined["T"] != joined["T_sql"])
    ]
    assert mismatched.empty, mismatched.head(10).to_string()
    # repeat-day mean value: the same up to float summation order
    both = joined.dropna(subset=["monetary"])
    assert joined["monetary_sql"].isna().sum() == joined["monetary"].isna().sum()
    assert np.allclose(both["monetary"], both["monetary_sql"], rtol=0, atol=1e-9)


def test_orders_are_the_raw_lines_and_revenue_their_sum(cdnow):
    traits, *_ = cdnow
    raw = pd.read_csv(CDNOW, sep=r"\s+", dtype={"customer_id": str, "date": str})
    lines = raw.groupby("customer_id").agg(n=("date", "size"), revenue=("dollar_value", "sum"))
    joined = lines.join(traits)
    assert (joined["n"] == joined["order_count"]).all()  # the 234 exact duplicate lines are orders too
    assert int(joined["n"].sum()) == 62_740
    assert np.allclose(joined["revenue"].round(2), joined["lifetime_revenue"].astype(float), atol=0.005)
    assert set(traits["rfm_segment"]) - {"No Orders"} and "No Orders" not in set(traits["rfm_segment"])


def test_grid_search_log_likelihood_is_within_a_tenth_of_a_percent_of_scipy(cdnow):
    _, (r, alpha, a, b, sql_ll), _, _ = cdnow
    summary = raw_summary()
    x = summary["frequency"].to_numpy(float)
    t_x = summary["recency"].to_numpy(float)
    age = summary["T"].to_numpy(float)
    # the SQL's own log-likelihood (its lgamma and log-sum-exp) agrees with scipy's at its point
    python_ll = bgnbd_log_likelihood((r, alpha, a, b), x, t_x, age)
    assert math.isclose(sql_ll, python_ll, rel_tol=1e-9), (sql_ll, python_ll)
    result = minimize(
        lambda theta: -bgnbd_log_likelihood(np.exp(theta), x, t_x, age),
        np.log([0.5, 20.0, 0.6, 2.0]),
        method="Nelder-Mead",
        options={"maxiter": 20_000, "xatol": 1e-9, "fatol": 1e-9},
    )
    best = -result.fun
    assert python_ll <= best + 1e-6
    assert (best - python_ll) / abs(best) < 1e-3, (np.exp(result.x), best, (r, alpha, a, b), python_ll)


def test_probability_alive_and_expected_purchases_follow_the_closed_forms(cdnow):
    traits, (r, alpha, a, b, _), (p, q, gamma, _), _ = cdnow
    summary = raw_summary()
    customers = [
        *summary.index[summary["frequency"] == 0][:2],
        *summary.index[summary["frequency"] == 1][:2],
        *summary.index[summary["frequency"] > 5][:2],
        summary["frequency"].idxmax(),
    ]
    for customer in customers:
        row = traits.loc[customer]
        x, t_x, age = float(summary.loc[customer, "frequency"]), float(summary.loc[customer, "recency"]), float(
            summary.loc[customer, "T"]
        )
        odds = (a / (b + x - 1)) * ((alpha + age) / (alpha + t_x)) ** (r + x) if x > 0 else 0.0
        p_alive = 1.0 / (1.0 + odds)
        assert abs(row["p_alive"] - p_alive) < 1e-6, customer
        z = HORIZON / (alpha + age + HORIZON)
        expected = (
            (a + b + x - 1)
            / (a - 1)
            * (1 - ((alpha + age) / (alpha + age + HORIZON)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z))
            * p_alive
        )
        assert math.isclose(row["predicted"], expected, rel_tol=1e-6, abs_tol=1e-9), (customer, row["predicted"], expected)
        m_x = summary.loc[customer, "monetary"]
        aov = (gamma + m_x * x) * p / (p * x + q - 1) if x > 0 else p * gamma / (q - 1)
        assert math.isclose(row["expected_aov"], aov, rel_tol=1e-9), customer


def test_importer_messages_and_clear_errors(tmp_path):
    from cdp.importers import ImporterError, iter_format

    good = tmp_path / "cdnow.txt"
    good.write_text(
        " customer_id  date number_of_cds  dollar_value\r\n"
        " 00007 19970101  1   11.77\r\n 00007 19970101  1   11.77\r\n 00007 19970105  2   0.00\r\n"
    )
    messages = list(iter_format("cdnow", good))
    assert [m["properties"]["order_id"] for m in messages] == [
        "00007-19970101-1", "00007-19970101-2", "00007-19970105-1",
    ]
    assert {m["userId"] for m in messages} == {"00007"}
    assert messages[0]["timestamp"] == "1997-01-01T00:00:00Z"
    assert messages[0]["properties"]["revenue"] == 11.77 and messages[0]["properties"]["currency"] == "USD"
    assert len({m["messageId"] for m in messages}) == 3  # exact duplicate lines stay separate purchases
    assert [m["messageId"] for m in iter_format("cdnow", good)] == [m["messageId"] for m in messages]

    bad_date = tmp_path / "bad_date.txt"
    bad_date.write_text(" customer_id  date number_of_cds  dollar_value\n 00001 19971301  1   1.00\n")
    with pytest.raises(ImporterError, match=r"bad_date\.txt, line 2: date '19971301'"):
        list(iter_format("cdnow", bad_date))
    bad_header = tmp_path / "bad_header.txt"
    bad_header.write_text("id,date,value\n")
    with pytest.raises(ImporterError, match=r"bad_header\.txt, line 1 \(header\)"):
        list(iter_format("cdnow", bad_header))
    short = tmp_path / "short.txt"
    short.write_text(" customer_id  date number_of_cds  dollar_value\n 00001 19970101 1\n")
    with pytest.raises(ImporterError, match=r"short\.txt, line 2: 3 fields"):
        list(iter_format("cdnow", short))


def test_gamma_gamma_grid_is_within_a_tenth_of_a_percent_of_scipy(cdnow):
    _, _, (p, q, gamma, sql_ll), _ = cdnow
    summary = raw_summary()
    fitted = summary[(summary["frequency"] > 0) & (summary["monetary"] > 0)]
    x = fitted["frequency"].to_numpy(float)
    m_x = fitted["monetary"].to_numpy(float)

    def log_likelihood(params) -> float:
        p_, q_, g_ = params
        return float(
            np.sum(
                gammaln(p_ * x + q_) - gammaln(p_ * x) - gammaln(q_) + q_ * np.log(g_)
                + (p_ * x - 1) * np.log(m_x) + p_ * x * np.log(x) - (p_ * x + q_) * np.log(g_ + m_x * x)
            )
        )

    python_ll = log_likelihood((p, q, gamma))
    assert math.isclose(sql_ll, python_ll, rel_tol=1e-9), (sql_ll, python_ll)
    result = minimize(
        lambda theta: -log_likelihood(np.exp(theta)),
        np.log([2.0, 2.0, float(m_x.mean())]),
        method="Nelder-Mead",
        options={"maxiter": 20_000, "xatol": 1e-10, "fatol": 1e-10},
    )
    best = -result.fun
    assert python_ll <= best + 1e-6
    assert (best - python_ll) / abs(best) < 1e-3, (np.exp(result.x), best, (p, q, gamma), python_ll)
