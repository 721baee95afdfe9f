"""What the reader fuzzers generate: review texts, labels in every accepted spelling and near
misses, JSON values for the other fields, and a tally of what each fuzzer saw.

The expected outcome of every generated input is worked out here, independently of the
readers: the text after the documented cleaning (`clean_review`), the label by the table
below (written out again, not imported from `textflix_lib.data.labels`), the metadata as
written. Texts are drawn from real IMDB reviews as well as from arbitrary Unicode.
"""
import json
import os
from collections import Counter
from typing import Any, Dict, Optional

from hypothesis import HealthCheck, settings, strategies as st

from textflix_lib.data.imdb import balanced_sample, clean_review, embedded_split

# Every example is one file (or folder) on disk: the whole fuzz suite is bounded by the counts.
EXAMPLES = int(os.environ.get("TEXTFLIX_FUZZ_EXAMPLES", "1000"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture, HealthCheck.large_base_example])

# ---------------------------------------------------------------- labels
POSITIVE_SPELLINGS = ("pos", "positive", "1", "true")
NEGATIVE_SPELLINGS = ("neg", "negative", "0", "false")
NEAR_MISSES = ("posi", "positiv", "postive", "negativ", "ne", "p", "n", "+", "-", "2", "-1", "01", "1.0", "0.0",
               "1e0", "yes", "no", "good", "bad", "t", "f", "tru", "pos.", "neg!", "p0s", "nég", "ｐｏｓ", "pos neg",
               "none", "null", "nan", "\u200bpos", "pos\u200b", "  ", "\t")


@st.composite
def spelled_label(draw, expected: str):
    """An accepted spelling of `expected` in any case, maybe with spaces or tabs around."""
    word = draw(st.sampled_from(POSITIVE_SPELLINGS if expected == "pos" else NEGATIVE_SPELLINGS))
    word = "".join(c.upper() if draw(st.booleans()) else c for c in word)
    pad = st.text(alphabet=" \t", max_size=2)
    return draw(pad) + word + draw(pad)


def valid_json_label():
    """(JSON value or MISSING, expected label) for labels a JSON line may carry."""
    spelled = st.sampled_from(("pos", "neg")).flatmap(lambda l: spelled_label(l).map(lambda s, l=l: (s, l)))
    typed = st.sampled_from([(True, "pos"), (False, "neg"), (1, "pos"), (0, "neg"), (1.0, "pos"), (0.0, "neg"),
                             (-0.0, "neg")])
    unlabelled = st.sampled_from([(MISSING, None), (None, None), ("", None)])
    return st.one_of(spelled, typed, unlabelled)


def bad_json_label():
    return st.one_of(st.sampled_from(NEAR_MISSES),
                     st.sampled_from([2, -1, 0.5, 1.5, 10, [], ["pos"], {}, {"label": "pos"}, float("nan"),
                                      float("inf")]),
                     st.integers(min_value=2, max_value=10**6))


MISSING = object()  # a key left out


# ---------------------------------------------------------------- texts
_REAL: list = []


def real_reviews():
    if not _REAL:
        _REAL.extend(r.text for r in balanced_sample(embedded_split().test, 60, seed=3))
    return _REAL


# characters a reader could mistake for line ends, or that tend to break things
AWKWARD = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\r", "\n", "\r\n", "\t", "\x00",
           "\ufeff", '"', "'", ",", ";", "\\", "{", "}", "[", "]", "<br />", "<br/>", "<BR>", "<i>", "</i>",
           "&amp;", "&lt;", "&#39;", "&quot;", "&nbsp;", "\u00e9", "\u4e2d", "\U0001F600", "\u202e", "\u0301"]

_TEXT_CHARS = st.characters(blacklist_categories=("Cs",))  # any code point but a surrogate


@st.composite
def review_text(draw) -> str:
    """A review as a user's file may hold it: real, arbitrary, awkward, or huge."""
    kind = draw(st.sampled_from(["real"] * 8 + ["arbitrary"] * 4 + ["awkward"] * 4 + ["mixed"] * 3 + ["huge"]))
    if kind == "real":
        return draw(st.sampled_from(real_reviews()))
    if kind == "arbitrary":
        return draw(st.text(_TEXT_CHARS, min_size=1, max_size=60))
    pieces = st.lists(st.one_of(st.sampled_from(AWKWARD), st.text(_TEXT_CHARS, max_size=8),
                                st.sampled_from(["good", "bad", " ", "film"])), min_size=1, max_size=25)
    text = "".join(draw(pieces))
    if kind == "mixed":
        real = draw(st.sampled_from(real_reviews()))
        cut = draw(st.integers(0, len(real)))
        text = real[:cut] + text + real[cut:]
    if kind == "huge":  # a line of 150 KB or more (over the csv module's default field limit)
        real = draw(st.sampled_from(real_reviews()))
        text = (real + text) * (150_000 // (len(real) + len(text)) + draw(st.integers(1, 20)))
    return text


def readable(text: str) -> bool:
    """Whether a text is a review the readers accept (something left after cleaning)."""
    return bool(clean_review(text))


# ---------------------------------------------------------------- other fields
KEYS = st.one_of(st.sampled_from(["review_id", "movie_id", "rating", "id", "user", "", " ", "Text", "LABEL",
                                  "text ", "metadata", "\u2028", "a\x00b", "tt"]),
                 st.text(_TEXT_CHARS, min_size=1, max_size=10))

JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(_TEXT_CHARS, max_size=20),
                         st.sampled_from(AWKWARD))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                                  st.dictionaries(KEYS, inner, max_size=4)),
                           max_leaves=6)


# ---------------------------------------------------------------- bad bytes
BAD_UTF8 = [b"\xff", b"\xfe", b"\xc3(", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xf0\x28\x8c\xbc", b"\xc0\xaf",
            b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80", b"\xe9t\xe9"]  # the last: Latin-1 "été"
BOM = "\ufeff".encode("utf-8")


# ---------------------------------------------------------------- the tally
class Tally:
    """How many inputs a fuzzer generated and what became of them; printed at the end and
    written to $TEXTFLIX_FUZZ_REPORT (a JSON-lines file) when set."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.counts: Counter = Counter()

    def add(self, outcome: str) -> None:
        self.counts["inputs"] += 1
        self.counts[outcome] += 1

    def summary(self) -> Dict[str, Any]:
        return {"format": self.name, **dict(sorted(self.counts.items()))}

    def report(self) -> None:
        line = json.dumps(self.summary())
        print(f"\nFUZZ {line}")
        target = os.environ.get("TEXTFLIX_FUZZ_REPORT")
        if target:
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")


def expected_metadata(record: Dict[str, Any], text_field: str, label_field: str) -> Dict[str, Any]:
    return {k: v for k, v in record.items() if k not in (text_field, label_field)}


def same_json(a: Any, b: Any) -> bool:
    """Equal as JSON values, types included (1 and 1.0 and True are not the same)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    return a == b or (a != a and b != b)


def error_line(error) -> Optional[int]:
    return error.line
