"""Builds the differential-test corpus for Converge's VADER port and scores it with the reference.

Run with vaderSentiment 3.3.2 installed (`pip install vaderSentiment==3.3.2`):

    python3 tests/data/sentiment/make_reference.py > tests/data/sentiment/vader_reference.tsv

Each line: text (tabs and newlines escaped as \\t and \\n), then the reference's compound, pos,
neu and neg. The corpus is generated from a fixed seed: templated customer sentences exercising
every rule (negation, boosters and dampeners, ALL CAPS, "but", "least", "kind of", idioms,
punctuation, emoticons and emoji), plus random sequences of lexicon words mixed with rule words,
which reach rule interactions no template thinks of.
"""
import random
import sys

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer, BOOSTER_DICT, NEGATE

random.seed(20261125)
analyzer = SentimentIntensityAnalyzer()
lexicon = sorted(analyzer.lexicon)
emojis = sorted(e for e in analyzer.emojis if len(e) == 1)

SUBJECTS = ["The delivery", "This product", "The support team", "My order", "The app", "Your store",
            "The refund process", "The new jacket", "Customer service", "The checkout", "It", "Everything"]
VERBS = ["was", "is", "seems", "looks", "felt", "has been", "isn't", "wasn't", "is never", "was not"]
ADJECTIVES = ["good", "great", "bad", "terrible", "amazing", "awful", "fine", "slow", "helpful", "useless",
              "excellent", "poor", "lovely", "disappointing", "perfect", "broken", "happy", "sad", "okay", "fantastic"]
BOOSTERS = ["very", "really", "extremely", "so", "kind of", "sort of", "barely", "hardly", "somewhat",
            "totally", "incredibly", "slightly", "quite", "most", "less"]
TAILS = ["", ".", "!", "!!", "!!!", "?", "??", "???!", " :)", " :(", " :D", " <3", " lol", " smh", " ugh"]
CONNECTORS = [" but ", ", but ", " and ", ", although ", " yet ", " BUT ", " except "]
IDIOMS = ["the bomb", "the shit", "yeah right", "kiss of death", "to die for", "bad ass", "bus stop",
          "cut the mustard", "beating heart", "at least", "very least", "kind of", "without doubt", "never so",
          "no", "nor", "least"]


def clause():
    words = [random.choice(SUBJECTS), random.choice(VERBS)]
    if random.random() < 0.5:
        words.append(random.choice(BOOSTERS))
    adjective = random.choice(ADJECTIVES)
    if random.random() < 0.2:
        adjective = adjective.upper()
    words.append(adjective)
    if random.random() < 0.15:
        words.append(random.choice(IDIOMS))
    return " ".join(words)


def templated():
    text = clause()
    if random.random() < 0.4:
        text += random.choice(CONNECTORS) + clause().lower()
    text += random.choice(TAILS)
    if random.random() < 0.2:
        text += " " + random.choice(emojis)
    if random.random() < 0.1:
        text = text.upper()
    return text


def random_words():
    pool = [lambda: random.choice(lexicon), lambda: random.choice(sorted(BOOSTER_DICT)),
            lambda: random.choice(NEGATE), lambda: random.choice(["but", "least", "at", "very", "no", "or", "nor",
                                                                   "kind", "of", "so", "this", "never", "without",
                                                                   "doubt", "the", "a", "it"]),
            lambda: random.choice(emojis), lambda: random.choice(IDIOMS)]
    weights = [5, 1, 1, 2, 0.5, 0.5]
    words = []
    for _ in range(random.randint(1, 12)):
        word = random.choices(pool, weights)[0]()
        roll = random.random()
        if roll < 0.1:
            word = word.upper()
        elif roll < 0.15:
            word = word.capitalize()
        if random.random() < 0.1:
            word += random.choice([",", ".", "!", "?", "...", "!!"])
        words.append(word)
    return " ".join(words)


seen = set()
texts = []
while len(texts) < 6000:
    text = templated() if len(texts) % 2 == 0 else random_words()
    if text not in seen:
        seen.add(text)
        texts.append(text)

for text in texts:
    scores = analyzer.polarity_scores(text)
    escaped = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    sys.stdout.write(f"{escaped}\t{scores['compound']}\t{scores['pos']}\t{scores['neu']}\t{scores['neg']}\n")
