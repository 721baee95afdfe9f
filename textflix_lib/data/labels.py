"""The two sentiment labels and the spellings of them we accept in users' files."""
from typing import Any, Optional

NEGATIVE = "neg"
POSITIVE = "pos"
LABELS = (NEGATIVE, POSITIVE)

_ALIASES = {
    "neg": NEGATIVE,
    "negative": NEGATIVE,
    "0": NEGATIVE,
    "false": NEGATIVE,
    "pos": POSITIVE,
    "positive": POSITIVE,
    "1": POSITIVE,
    "true": POSITIVE,
}

ACCEPTED = "pos/neg, positive/negative, 1/0 or true/false"


def normalize_label(value: Any) -> Optional[str]:
    """Map a user's label to ``"pos"``/``"neg"``; ``None`` when it is not one we know.

    Accepted: the strings above in any case, with white space around them ignored; JSON
    booleans; the numbers 0 and 1, also written 0.0/1.0 (JSON numbers, not strings: the
    string ``"1.0"`` is refused). Everything else -- ``"2"``, ``"yes"``, ``"posi"``, a blank
    string, NaN, lists -- is refused, so a near miss is an error rather than a guess. The
    readers treat a missing label, ``null`` and ``""`` as "unlabelled" before calling this;
    ``tests/fuzz`` tries every spelling and the near misses."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _ALIASES.get(str(value).strip().lower())
