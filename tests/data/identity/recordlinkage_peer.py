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

With --base (`python recordlinkage_peer.py --base OUT.csv FILE...`), the exports of
`converge demo --base`, mapped to one schema by `customer_base.py` and deduplicated as one
frame: blocking on the surname's sound (Soundex) with the first initial, as Splink's peer blocks
on surname and first initial (the sound alone gives the households base 107 million pairs, past
what recordlinkage compares on this machine; with the initial it is 12 million, some minutes
and 9 GB; the sounds of both names give 3.5 million, but then the first names of a block nearly
always agree and ECM, taking the log of a zero probability, calls every pair a match), and on
email, phone, the CRM's second number against the phone, and social handle;
comparisons: Jaro-Winkler ≥ 0.85 on first name, surname and street, exact on email, phone
(either number), postcode, city, birth date and handle; ECM; connected components.
"""
import os
import sys
import time

import pandas
import recordlinkage
from recordlinkage.preprocessing import phonetic

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import customer_base  # noqa: E402


def base(out, files):
    started = time.perf_counter()
    frame = customer_base.read_all(files).set_index("unique_id")
    present = {column for column in customer_base.COLUMNS if frame[column].notna().any()}
    frame["surname_sound"] = phonetic(frame["surname"], method="soundex")
    frame["first_initial"] = frame["first_name"].str[:1]
    indexer = recordlinkage.Index()
    indexer.block(["surname_sound", "first_initial"])
    for column in ["email", "phone", "handle"]:
        if column in present:
            indexer.block(column)
    if "phone_alt" in present:
        indexer.block(left_on="phone_alt", right_on="phone")
        indexer.block(left_on="phone", right_on="phone_alt")
    pairs = indexer.index(frame)
    compare = recordlinkage.Compare()
    compare.string("first_name", "first_name", method="jarowinkler", threshold=0.85,
                   label="first_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    for column in ["email", "phone", "postcode", "city", "dob", "handle"]:
        if column in present:
            compare.exact(column, column, label=column)
    if "street" in present:
        compare.string("street", "street", method="jarowinkler", threshold=0.85, label="street")
    if "phone_alt" in present:
        compare.exact("phone_alt", "phone", label="phone_alt_phone")
        compare.exact("phone", "phone_alt", label="phone_phone_alt")
    features = compare.compute(pairs, frame)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    write(out, frame.index, matches, started)


def write(out, keys, matches, started):
    """Closes the matched pairs into customers (connected components) and writes them."""
    parent = {key: key for key in keys}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for left, right in matches:
        a, b = find(left), find(right)
        if a != b:
            parent[a] = b
    ids = {}
    rows = []
    for key in keys:
        root = find(key)
        ids.setdefault(root, len(ids) + 1)
        rows.append((key, ids[root]))
    elapsed = time.perf_counter() - started
    with open(out, "w") as f:
        f.write("source,record_id,customer_id\n")
        for key, customer in rows:
            source, record_id = key.split("|", 1)
            f.write(f"{source},{record_id},{customer}\n")
    print(elapsed)


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
    if sys.argv[1] == "--base":
        base(sys.argv[2], sys.argv[3:])
    else:
        main(sys.argv[1], sys.argv[2:])
