"""The Splink peer of `cargo xtask bench resolve` (Splink with its DuckDB backend), on the same
files `converge resolve` reads.

Usage: python splink_peer.py OUT.csv FILE...          FEBRL (one FILE: dedupe_only; two:
                                                      link_and_dedupe)
       python splink_peer.py --base OUT.csv FILE...   the exports of `converge demo --base`

FEBRL, set up as Splink's FEBRL examples do: NameComparison on given_name and surname,
JaroWinkler on address_1 and suburb, exact on postcode, state and soc_sec_id, Levenshtein on
date_of_birth; blocking: given_name+surname, surname+date_of_birth, postcode+given_name,
soc_sec_id; λ from deterministic rules, u by random sampling (1e6 pairs), m by EM in two
sessions.

A generated base, set up as Splink's documentation recommends, after mapping every export to one
schema (`customer_base.py`: names split and cleaned, phones as their last 9 digits, dates of
birth as ISO dates): NameComparison (Jaro-Winkler 0.92/0.88/0.7) on first_name and surname
with term-frequency adjustments; exact email and social handle with term-frequency
adjustments; phone exact with term-frequency adjustments, then a level for the CRM's second
number matching either number; PostcodeComparison (full, sector, district, area); exact city
with term-frequency adjustments; Jaro-Winkler 0.9/0.7 on street (house number and street);
DateOfBirthComparison. A comparison whose column is empty in every file of the base is left
out (the common-names base has no postcode or street). Blocking: surname + first initial,
email, phone, the second number against the phone, postcode + first_name, social handle.
λ from two deterministic rules (first name + email; first name + surname + birth date) at recall
0.7, u by `estimate_u_using_random_sampling(max_pairs=1e7, seed=1)`, m by EM on first name +
surname and on birth date (on email where no file has one), as Splink's tutorial does (EM on
email, tried too, learns m of the names from family members who share an address: F1 0.68
against 0.71 on the households base). Pairs predicted at 0.5 and clustered at 0.9 with
`cluster_pairwise_predictions_at_threshold`.

SPLINK_PEER_LOG=1 shows Splink's log. Writes `source,record_id,customer_id` and prints the
seconds from reading the files to the clusters (imports and interpreter start-up left out), the
last line being the seconds alone.
"""
import logging
import os
import sys
import time

import pandas
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import customer_base  # noqa: E402

U_MAX_PAIRS = 1e7


def febrl(files):
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
    return linker


def base(files):
    frame = customer_base.read_all(files)
    present = {column for column in customer_base.COLUMNS if frame[column].notna().any()}
    tf = {"term_frequency_adjustments": True}
    phone = cl.CustomComparison(
        output_column_name="phone",
        comparison_levels=[
            cll.NullLevel("phone"),
            cll.ExactMatchLevel("phone", term_frequency_adjustments=True),
            cll.CustomLevel(
                "phone_alt_l = phone_r OR phone_l = phone_alt_r OR phone_alt_l = phone_alt_r",
                "one's second number is one of the other's"),
            cll.ElseLevel(),
        ],
    ) if "phone_alt" in present else cl.ExactMatch("phone").configure(**tf)
    comparisons = [
        ("first_name", cl.NameComparison("first_name").configure(**tf)),
        ("surname", cl.NameComparison("surname").configure(**tf)),
        ("email", cl.ExactMatch("email").configure(**tf)),
        ("phone", phone),
        ("postcode", cl.PostcodeComparison("postcode")),
        ("city", cl.ExactMatch("city").configure(**tf)),
        ("street", cl.JaroWinklerAtThresholds("street", [0.9, 0.7])),
        ("dob", cl.DateOfBirthComparison("dob", input_is_string=True)),
        ("handle", cl.ExactMatch("handle").configure(**tf)),
    ]
    blocking = [
        ("surname", block_on("surname", "substr(first_name, 1, 1)")),
        ("email", block_on("email")),
        ("phone", block_on("phone")),
        ("phone_alt", "l.phone_alt = r.phone"),
        ("phone_alt", "l.phone = r.phone_alt"),
        ("postcode", block_on("postcode", "first_name")),
        ("handle", block_on("handle")),
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[comparison for column, comparison in comparisons if column in present],
        blocking_rules_to_generate_predictions=[
            rule for column, rule in blocking if column in present],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), settings)
    deterministic = [block_on("first_name", "email")]
    if "dob" in present:
        deterministic.append(block_on("first_name", "surname", "dob"))
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob" if "dob" in present else "email"))
    return linker


def main(args):
    if not os.environ.get("SPLINK_PEER_LOG"):
        logging.disable(logging.CRITICAL)
    is_base = args[0] == "--base"
    if is_base:
        args = args[1:]
    out, files = args[0], args[1:]
    started = time.perf_counter()
    linker = base(files) if is_base else febrl(files)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.9).as_pandas_dataframe()
    elapsed = time.perf_counter() - started
    ids = {}
    with open(out, "w") as f:
        f.write("source,record_id,customer_id\n")
        for unique_id, cluster in zip(clusters["unique_id"], clusters["cluster_id"]):
            source, record_id = unique_id.split("|", 1)
            ids.setdefault(cluster, len(ids) + 1)
            f.write(f"{source},{record_id},{ids[cluster]}\n")
    print(elapsed)


if __name__ == "__main__":
    main(sys.argv[1:])
