"""Makes the identity fixtures, with the Python references the Rust tests compare against.

Usage: python make_fixtures.py   (from this folder; needs jellyfish and recordlinkage)

- `string_similarity.tsv`: pairs of names with typos, and jellyfish's Jaro-Winkler similarity,
  Damerau-Levenshtein distance and Soundex codes (jellyfish is what recordlinkage compares
  strings with).
- `register_a.csv`, `register_b.csv`: a small synthetic person register in FEBRL's columns
  (rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state,
  date_of_birth as yyyymmdd, soc_sec_id) with typos, missing values, swapped names, transposed
  birth days and months; duplicates within `register_a.csv` and links to `register_b.csv`.
  Records of one person share the number in `rec-<n>-org` / `rec-<n>-dup-<k>`.
- `register_reference.txt`: what a recordlinkage pipeline (as its documentation shows: full
  blocking on surname sound-alikes, string comparisons, threshold on the summed score) finds
  there, as pairwise precision, recall and F1.
"""
import random
from importlib.metadata import version

import jellyfish
import pandas
import recordlinkage

random.seed(2026)

GIVEN = ["olivia", "jack", "charlotte", "william", "mia", "noah", "amelia", "lachlan", "isla",
         "thomas", "ava", "james", "grace", "oliver", "chloe", "ethan", "emily", "liam", "ruby",
         "joshua", "zoe", "samuel", "sophie", "benjamin", "matilda", "daniel", "ella", "ryan",
         "hannah", "lucas", "jessica", "riley", "madison", "cooper", "sienna", "jayden"]
SURNAME = ["smith", "jones", "williams", "brown", "wilson", "taylor", "johnson", "white",
           "martin", "anderson", "thompson", "nguyen", "thomas", "walker", "harris", "lee",
           "ryan", "robinson", "kelly", "king", "davis", "wright", "evans", "roberts", "green",
           "hall", "wood", "jackson", "clarke", "zbigniewski", "papadopoulos", "oconnor",
           "mcdonald", "fitzgerald", "kowalczyk", "stephenson", "beaumont", "cavanagh"]
STREETS = ["stanley street", "pinkerton circuit", "giblin street", "tullaroop street",
           "macquarie place", "chisholm crescent", "sturt avenue", "banks road", "hume highway",
           "fitzroy close", "wattle grove", "bunya parade", "kurrajong way", "lyons terrace"]
EXTRA = ["", "", "", "villa rosa", "unit 4", "rivermont", "the elms", "flat 2", "kooringa"]
SUBURBS = ["winston hills", "richlands", "bittern", "st james", "killarney", "bega",
           "toowong", "glenelg", "fremantle", "parramatta", "ballarat", "launceston"]
STATES = ["nsw", "vic", "qld", "wa", "sa", "tas", "act", "nt"]


def typo(word):
    if len(word) < 3:
        return word
    at = random.randrange(1, len(word) - 1)
    kind = random.randrange(4)
    letter = random.choice("abcdefghijklmnopqrstuvwxyz")
    if kind == 0:
        return word[:at] + word[at + 1:]
    if kind == 1:
        return word[:at] + letter + word[at:]
    if kind == 2:
        return word[:at] + letter + word[at + 1:]
    return word[:at - 1] + word[at] + word[at - 1] + word[at + 1:]


def person():
    year = random.randrange(1920, 2005)
    return {
        "given_name": random.choice(GIVEN),
        "surname": random.choice(SURNAME),
        "street_number": str(random.randrange(1, 200)),
        "address_1": random.choice(STREETS),
        "address_2": random.choice(EXTRA),
        "suburb": random.choice(SUBURBS),
        "postcode": str(random.randrange(2000, 7999)),
        "state": random.choice(STATES),
        "date_of_birth": f"{year}{random.randrange(1, 13):02}{random.randrange(1, 29):02}",
        "soc_sec_id": str(random.randrange(1_000_000, 9_999_999)),
    }


def duplicate(original):
    record = dict(original)
    fields = ["given_name", "surname", "address_1", "suburb", "postcode", "date_of_birth",
              "soc_sec_id", "street_number", "address_2"]
    for _ in range(random.choice([1, 1, 2, 2, 3])):
        field = random.choice(fields)
        roll = random.random()
        if roll < 0.15:
            record[field] = ""
        elif field == "date_of_birth" and roll < 0.4:
            d = record[field]
            record[field] = d[:4] + d[6:8] + d[4:6] if int(d[6:8]) <= 12 else d
        elif field in ("given_name", "surname") and roll < 0.3:
            record["given_name"], record["surname"] = record["surname"], record["given_name"]
        else:
            record[field] = typo(record[field])
    return record


def main():
    # String references.
    words = GIVEN + SURNAME + STREETS
    with open("string_similarity.tsv", "w") as out:
        out.write("left\tright\tjaro_winkler\tdamerau_levenshtein\tsoundex_left\tsoundex_right\n")
        for _ in range(600):
            left = random.choice(words)
            right = typo(left) if random.random() < 0.6 else random.choice(words)
            out.write(f"{left}\t{right}\t{jellyfish.jaro_winkler_similarity(left, right)!r}\t"
                      f"{jellyfish.damerau_levenshtein_distance(left, right)}\t"
                      f"{jellyfish.soundex(left)}\t{jellyfish.soundex(right)}\n")
    # A register: 400 people in A (120 with 1-3 duplicates in A), 250 of them also in B.
    rows_a, rows_b = [], []
    for n in range(400):
        original = person()
        rows_a.append({"rec_id": f"rec-{n}-org", **original})
        if n < 120:
            for k in range(random.choice([1, 1, 2, 3])):
                rows_a.append({"rec_id": f"rec-{n}-dup-{k}", **duplicate(original)})
        if 100 <= n < 350:
            rows_b.append({"rec_id": f"rec-{n}-dup-b", **duplicate(original)})
    for n in range(400, 600):
        rows_b.append({"rec_id": f"rec-{n}-org", **person()})
    random.shuffle(rows_a)
    random.shuffle(rows_b)
    a = pandas.DataFrame(rows_a)
    b = pandas.DataFrame(rows_b)
    a.to_csv("register_a.csv", index=False)
    b.to_csv("register_b.csv", index=False)

    # recordlinkage on the same data, deduplicating and linking in one frame.
    both = pandas.concat([a, b], ignore_index=True)
    both["surname_sound"] = both["surname"].fillna("").map(
        lambda s: jellyfish.soundex(s) if s else "")
    indexer = recordlinkage.Index()
    indexer.block("surname_sound")
    indexer.block("date_of_birth")
    indexer.block("given_name")
    candidates = indexer.index(both)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("postcode", "postcode")
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85)
    compare.exact("suburb", "suburb")
    compare.exact("soc_sec_id", "soc_sec_id")
    features = compare.compute(candidates, both)
    matches = features[features.sum(axis=1) >= 4].index
    person_of = both["rec_id"].map(lambda r: r.split("-")[1])
    predicted = {tuple(sorted(pair)) for pair in matches}
    true_positive = sum(person_of[i] == person_of[j] for i, j in predicted)
    counts = person_of.value_counts()
    actual = int(sum(n * (n - 1) // 2 for n in counts))
    precision = true_positive / len(predicted)
    recall = true_positive / actual
    f1 = 2 * precision * recall / (precision + recall)
    with open("register_reference.txt", "w") as out:
        out.write(f"recordlinkage {recordlinkage.__version__}, jellyfish {version('jellyfish')}, "
                  f"pandas {pandas.__version__}\n")
        out.write(f"precision {precision:.4f} recall {recall:.4f} f1 {f1:.4f}\n")
    print(open("register_reference.txt").read())


if __name__ == "__main__":
    main()
