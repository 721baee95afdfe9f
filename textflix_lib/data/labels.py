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
    """Map a user's label to ``"pos"``/``"neg"``; ``None`` when it is not one we know."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _ALIASES.get(str(value).strip().lower())
