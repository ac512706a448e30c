"""Pairwise precision, recall and F1 of a `converge resolve` output against FEBRL's truth.

Usage: python pairwise_f1.py RESOLVED.csv

RESOLVED.csv is `source,record_id,customer_id,match_probability` with record_id the FEBRL
`rec_id` (`rec-1070-org`, `rec-1070-dup-0`): records of one person share the number. A pair is
a true match when both records have the same number; a predicted match when both have the same
customer_id. Prints `precision recall f1`.
"""
import csv
import sys
from collections import Counter


def pairs(n):
    return n * (n - 1) // 2


def main(path):
    by_customer, by_person, by_both = Counter(), Counter(), Counter()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            person = row["record_id"].split("-")[1]
            by_customer[row["customer_id"]] += 1
            by_person[person] += 1
            by_both[(row["customer_id"], person)] += 1
    true_positive = sum(pairs(n) for n in by_both.values())
    predicted = sum(pairs(n) for n in by_customer.values())
    actual = sum(pairs(n) for n in by_person.values())
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"{precision:.4f} {recall:.4f} {f1:.4f}")


if __name__ == "__main__":
    main(sys.argv[1])
