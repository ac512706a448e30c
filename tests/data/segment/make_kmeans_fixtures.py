"""k-means reference fixtures for converge's segment::kmeans, computed with scikit-learn.

Run with the packages in `versions.txt`, after `converge demo --out target/demo2k --customers 2000`:
    python tests/data/segment/make_kmeans_fixtures.py target/demo2k/orders.csv
It writes, next to itself, one `kmeans_<case>.csv` per data set (the raw features) and
`kmeans_reference.csv`: case, k, and the inertia of
`KMeans(k, n_init=10, random_state=0)` on the data standardised by `StandardScaler`
(the best of 10 runs), which converge's fit (10 runs too) must not exceed.
"""
import pathlib
import sys

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.preprocessing import StandardScaler

HERE = pathlib.Path(__file__).parent


def cases(orders_path):
    x, _ = make_blobs(n_samples=1500, n_features=4, centers=5, cluster_std=1.5, random_state=0)
    yield "blobs", pd.DataFrame(x, columns=["a", "b", "c", "d"]), 5
    x, _ = make_blobs(n_samples=1000, centers=3, random_state=170)
    x = x @ np.array([[0.6, -0.6], [-0.4, 0.8]])
    yield "anisotropic", pd.DataFrame(x, columns=["x", "y"]), 3
    x, _ = make_blobs(n_samples=800, n_features=3, centers=4, cluster_std=[1.0, 2.5, 0.5, 4.0], random_state=3)
    yield "varied", pd.DataFrame(x, columns=["p", "q", "r"]), 6
    # A real-ish RFM table: the demo's orders (guest orders, without a customer id, left out).
    orders = pd.read_csv(orders_path, sep=";", decimal=",", dtype={"customer_id": str})
    orders = orders.dropna(subset=["customer_id"])
    orders["day"] = pd.to_datetime(orders["order_date"], format="%d/%m/%Y")
    as_of = orders["day"].max() + pd.Timedelta(days=1)
    g = orders.groupby("customer_id", sort=False)
    rfm = pd.DataFrame(
        {
            "recency_days": (as_of - g["day"].max()).dt.days,
            "frequency": g.size(),
            "monetary": g["amount"].sum().round(2),
        }
    ).reset_index(drop=True)
    for k in (4, 6):
        yield f"demo_rfm_k{k}", rfm, k


if __name__ == "__main__":
    rows = []
    for name, frame, k in cases(sys.argv[1]):
        file = HERE / f"kmeans_{name.split('_k')[0]}.csv"
        frame.to_csv(file, index=False, float_format="%.17g")
        # Read back what was written, so that Python and Rust cluster the same numbers.
        x = StandardScaler().fit_transform(pd.read_csv(file).to_numpy(dtype=float))
        model = KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)
        rows.append({"case": name, "file": file.name, "k": k, "inertia": repr(float(model.inertia_))})
    pd.DataFrame(rows).to_csv(HERE / "kmeans_reference.csv", index=False)
