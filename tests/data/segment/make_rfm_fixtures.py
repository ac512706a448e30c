"""RFM reference fixtures for converge's segment::rfm, computed with pandas.

Run with the packages in `versions.txt`:
    python tests/data/segment/make_rfm_fixtures.py
It writes, next to itself:
  qcut_bins.csv       for every n in 2..=3000, how many of the ranks 1..n pandas puts in each of
                      `qcut(rank(method="first"), 5)`'s five bins (n = 1 raises in pandas).
  rfm_<case>.csv      an orders file (customer,date,amount) with ties on purpose,
  rfm_<case>.expected.csv  customer_id,recency_days,frequency,monetary,r,f,m from pandas.
Scores follow the common convention: R = qcut(recency.rank(first), 5, labels=[5,4,3,2,1]),
F and M = qcut(x.rank(first), 5, labels=[1..5]); ranks break ties by order of first appearance.
"""
import datetime as dt
import pathlib

import numpy as np
import pandas as pd

HERE = pathlib.Path(__file__).parent


def qcut_counts():
    rows = []
    for n in range(2, 3001):
        s = pd.Series(np.arange(n, dtype=float))
        bins = pd.qcut(s.rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
        counts = np.bincount(bins, minlength=6)[1:]
        rows.append([n, *counts])
    pd.DataFrame(rows, columns=["n", "b1", "b2", "b3", "b4", "b5"]).to_csv(
        HERE / "qcut_bins.csv", index=False
    )


def rfm(orders, as_of):
    orders = orders.copy()
    orders["day"] = pd.to_datetime(orders["date"]).dt.normalize()
    # groupby(sort=False) keeps customers in order of first appearance.
    g = orders.groupby("customer", sort=False)
    table = pd.DataFrame(
        {
            "recency_days": (as_of - g["day"].max()).dt.days,
            "frequency": g.size(),
            "monetary": g["amount"].sum(),
        }
    )
    table["r"] = pd.qcut(table["recency_days"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1]).astype(int)
    table["f"] = pd.qcut(table["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    table["m"] = pd.qcut(table["monetary"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    table.index.name = "customer_id"
    table["monetary"] = table["monetary"].round(2)
    return table


def case(name, n_customers, n_orders, n_days, seed, with_times=False):
    rng = np.random.default_rng(seed)
    customers = [f"K{int(c):05d}" for c in rng.integers(0, n_customers, n_orders)]
    start = dt.date(2024, 1, 1)
    days = rng.integers(0, n_days, n_orders)
    # Few distinct amounts so that monetary ties too.
    amounts = rng.choice([5.0, 9.99, 10.0, 20.5, 49.9, -5.0], n_orders, p=[0.25, 0.2, 0.25, 0.15, 0.1, 0.05])
    dates = []
    for d in days:
        day = start + dt.timedelta(days=int(d))
        if with_times:
            dates.append(f"{day.isoformat()} {rng.integers(0, 24):02d}:{rng.integers(0, 60):02d}:00")
        else:
            dates.append(day.isoformat())
    orders = pd.DataFrame({"customer": customers, "date": dates, "amount": amounts})
    orders.to_csv(HERE / f"rfm_{name}.csv", index=False)
    as_of = pd.to_datetime(orders["date"]).dt.normalize().max() + pd.Timedelta(days=1)
    rfm(orders, as_of).to_csv(HERE / f"rfm_{name}.expected.csv")


if __name__ == "__main__":
    qcut_counts()
    case("two_customers", 2, 5, 10, 1)
    case("three_customers", 3, 7, 5, 2)
    case("four_customers", 4, 9, 3, 3)
    case("seven_customers_ties", 7, 20, 3, 4)
    case("sixty_customers_timestamps", 60, 200, 30, 5, with_times=True)
    case("two_thousand_customers", 2000, 9000, 90, 6)
