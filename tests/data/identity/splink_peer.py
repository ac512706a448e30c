"""The Splink peer of `cargo xtask bench resolve` (Splink with its DuckDB backend), on the same
FEBRL CSVs `converge resolve` reads, set up as Splink's FEBRL examples do.

Usage: python splink_peer.py OUT.csv FILE...   (one FILE: dedupe_only; two: link_and_dedupe)

Comparisons: NameComparison on given_name and surname, JaroWinkler on address_1 and suburb,
exact on postcode, state and soc_sec_id, DateOfBirth-style Levenshtein on date_of_birth;
blocking: given_name+surname, surname+date_of_birth, postcode+given_name, soc_sec_id; λ from a
deterministic rule, u by random sampling, m by EM in two sessions; clusters at 0.9. Writes
`source,record_id,customer_id` and prints the seconds from reading the CSVs to the clusters.
"""
import logging
import sys
import time

import pandas
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def main(out, files):
    logging.disable(logging.CRITICAL)
    started = time.perf_counter()
    frames = []
    for f in files:
        frame = pandas.read_csv(f, dtype=str)
        frame["unique_id"] = f + "|" + frame["rec_id"]
        frame["source_file"] = f
        frames.append(frame)
    settings = SettingsCreator(
        link_type="dedupe_only" if len(files) == 1 else "link_and_dedupe",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("state"),
            cl.ExactMatch("soc_sec_id"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("postcode", "given_name"),
            block_on("soc_sec_id"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    tables = [db_api.register(frame) for frame in frames]
    linker = Linker(tables if len(tables) > 1 else tables[0], settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.9).as_pandas_dataframe()
    elapsed = time.perf_counter() - started
    ids = {}
    with open(out, "w") as f:
        f.write("source,record_id,customer_id\n")
        for unique_id, cluster in zip(clusters["unique_id"], clusters["cluster_id"]):
            source, rec_id = unique_id.split("|", 1)
            ids.setdefault(cluster, len(ids) + 1)
            f.write(f"{source},{rec_id},{ids[cluster]}\n")
    print(elapsed)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
