"""The recordlinkage peer of `cargo xtask bench resolve`: a pipeline as recordlinkage's
documentation shows it, on the same FEBRL CSVs `converge resolve` reads.

Usage: python recordlinkage_peer.py OUT.csv FILE...   (one FILE: deduplicate; two: link)

Blocking: the union of blocks on given_name, surname and date_of_birth (as in the FEBRL
examples); comparisons: Jaro-Winkler ≥ 0.85 on names and address, exact on birth date, suburb,
postcode, state and social security id; classification: ECM (the unsupervised Fellegi-Sunter
classifier recordlinkage ships). Predicted pairs are closed transitively (connected
components) and written as `source,record_id,customer_id` like `converge resolve`, so both are
scored by `pairwise_f1.py`. Prints the seconds from reading the CSVs to the customers, imports
and interpreter start-up excluded.
"""
import sys
import time

import pandas
import recordlinkage


def main(out, files):
    started = time.perf_counter()
    frames = [pandas.read_csv(f, dtype=str, keep_default_na=True).set_index("rec_id") for f in files]
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.block("surname")
    indexer.block("date_of_birth")
    pairs = indexer.index(*frames)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("suburb", "suburb")
    compare.exact("postcode", "postcode")
    compare.exact("state", "state")
    compare.exact("soc_sec_id", "soc_sec_id")
    features = compare.compute(pairs, *frames)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)

    # Connected components over the predicted pairs.
    keys = [(files[i], rec) for i, frame in enumerate(frames) for rec in frame.index]
    parent = {key: key for key in keys}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    right_file = files[1] if len(files) > 1 else files[0]
    for left, right in matches:
        a, b = find((files[0], left)), find((right_file, right))
        if a != b:
            parent[a] = b
    ids = {}
    rows = []
    for key in keys:
        root = find(key)
        ids.setdefault(root, len(ids) + 1)
        rows.append((key[0], key[1], ids[root]))
    elapsed = time.perf_counter() - started
    with open(out, "w") as f:
        f.write("source,record_id,customer_id\n")
        for source, rec, customer in rows:
            f.write(f"{source},{rec},{customer}\n")
    print(elapsed)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
