"""Pairwise precision, recall and F1 of a resolution against the truth.

Usage: python pairwise_f1.py RESOLVED.csv [TRUTH.csv [--households]]

RESOLVED.csv has `source,record_id,customer_id` (more columns are ignored), as `converge
resolve` and the peers write it. Without TRUTH.csv the record ids are FEBRL's `rec_id`
(`rec-1070-org`, `rec-1070-dup-0`): records of one person share the number. With TRUTH.csv
(`source,record_id,person_id,household_id`, as `converge demo --base` writes it) a record's
person is looked up by its file name (the source's last path component) and record id, and every
record of the truth is scored: one the resolution left out counts as a customer of its own.
With --households the resolution's `household_id` is scored against the truth's.

A pair is a true match when both records have the same person (household); a predicted match
when both have the same customer_id (household_id). The pairs are counted from the sizes of the
groups, never listed, so a large base scores as fast as it reads. Prints `precision recall f1`;
with TRUTH.csv and without --households a fourth figure, the share of the false pairs whose two
records are of one household (two people who live together taken for one).
"""
import csv
import os
import sys
from collections import Counter


def pairs(n):
    return n * (n - 1) // 2


def febrl_labels(path):
    """(predicted, true, None) per record, the person being the number in FEBRL's `rec_id`."""
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            yield row["customer_id"], row["record_id"].split("-")[1], None


def truth_labels(path, truth_path, households):
    """(predicted, true, household) per record of the truth."""
    predicted_column = "household_id" if households else "customer_id"
    true_column = "household_id" if households else "person_id"
    predicted = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = (os.path.basename(row["source"]), row["record_id"])
            if key in predicted:
                sys.exit(f"{path}: record {key} appears twice")
            predicted[key] = row[predicted_column]
    n_unknown = len(predicted)
    with open(truth_path, newline="") as f:
        for row in csv.DictReader(f):
            key = (row["source"], row["record_id"])
            label = predicted.get(key)
            if label is None:
                label = ("left out",) + key
            else:
                n_unknown -= 1
            yield label, row[true_column], row["household_id"]
    if n_unknown:
        sys.exit(f"{path}: {n_unknown} records are not in {truth_path}")


def main(args):
    households = "--households" in args[2:]
    if len(args) == 1:
        labels = febrl_labels(args[0])
    else:
        labels = truth_labels(args[0], args[1], households)
    by_predicted, by_true, by_both = Counter(), Counter(), Counter()
    by_predicted_household = Counter()
    for predicted, true, household in labels:
        by_predicted[predicted] += 1
        by_true[true] += 1
        by_both[(predicted, true)] += 1
        by_predicted_household[(predicted, household)] += 1
    true_positive = sum(pairs(n) for n in by_both.values())
    predicted = sum(pairs(n) for n in by_predicted.values())
    actual = sum(pairs(n) for n in by_true.values())
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    figures = f"{precision:.4f} {recall:.4f} {f1:.4f}"
    if len(args) > 1 and not households:
        # Pairs of one customer and one household, less those of one person too.
        false_in_household = sum(pairs(n) for n in by_predicted_household.values()) - true_positive
        false_positive = predicted - true_positive
        figures += f" {false_in_household / false_positive if false_positive else 0.0:.4f}"
    print(figures)


if __name__ == "__main__":
    main(sys.argv[1:])
