"""Independent reference for the Segments view's per-customer order features.

Writes `orders.csv` (a small shop: repeat and one-off customers, order lines sharing an order id,
a refund, a row without a customer and one without an amount) and `features.expected.csv`, the
features computed with pandas as `converge_core::segment::features::CUSTOMER_FEATURES` defines
them, plus the RFM scores as pandas' `qcut(rank(method="first"), 5)` gives them:

- recency_days: as-of day (the day after the last order) minus the customer's last order day
- frequency: distinct order ids
- monetary: sum of the line amounts
- mean_order_value: monetary / frequency
- tenure_days: as-of day minus the first order day
- cadence_days: (last - first) / (frequency - 1), or tenure_days for one order

Run: python make_features.py (versions used are written to versions.txt).
"""

import random

import numpy
import pandas as pd

random.seed(7)
rows = []
order = 0
for c in range(40):
    customer = f"K{c:03d}"
    n_orders = 1 + (c * 7) % 9
    for _ in range(n_orders):
        order += 1
        day = pd.Timestamp("2025-01-01") + pd.Timedelta(days=random.randrange(0, 330))
        for _ in range(1 + random.randrange(0, 3)):
            amount = round(random.uniform(5, 120) * (1 + c % 5), 2)
            rows.append((f"O{order}", customer, day.date().isoformat(), amount))
rows.append((f"O{order + 1}", "K001", "2025-06-01", -25.0))  # a refund
rows.append(("O9001", "", "2025-03-03", 10.0))  # no customer: left out
rows.append(("O9002", "K002", "2025-03-03", None))  # no amount: left out
random.shuffle(rows)

orders = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount"])
orders.to_csv("orders.csv", index=False)

kept = orders.dropna(subset=["amount"])
kept = kept[kept["customer_id"].fillna("") != ""].copy()
kept["day"] = (pd.to_datetime(kept["order_date"]) - pd.Timestamp("1970-01-01")).dt.days
as_of = kept["day"].max() + 1
grouped = kept.groupby("customer_id", sort=False)
features = pd.DataFrame(
    {
        "first": grouped["day"].min(),
        "last": grouped["day"].max(),
        "frequency": grouped["order_id"].nunique(),
        "monetary": grouped["amount"].sum(),
    }
)
features["recency_days"] = as_of - features["last"]
features["mean_order_value"] = features["monetary"] / features["frequency"]
features["tenure_days"] = as_of - features["first"]
features["cadence_days"] = numpy.where(
    features["frequency"] > 1,
    (features["last"] - features["first"]) / (features["frequency"] - 1).clip(lower=1),
    features["tenure_days"],
)


def quintile(values):
    return pd.qcut(values.rank(method="first"), 5, labels=False) + 1


features["r_score"] = 6 - quintile(features["recency_days"])
features["f_score"] = quintile(features["frequency"])
features["m_score"] = quintile(features["monetary"])
columns = [
    "recency_days",
    "frequency",
    "monetary",
    "mean_order_value",
    "tenure_days",
    "cadence_days",
    "r_score",
    "f_score",
    "m_score",
]
features[columns].to_csv("features.expected.csv", float_format="%.6f")
with open("versions.txt", "w") as out:
    out.write(f"pandas {pd.__version__}\nnumpy {numpy.__version__}\n")
