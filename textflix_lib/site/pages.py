"""What the Textflix pages show, computed in plain Python (no AllenNLP, no browser).

Every function here takes review records in the format that `textflix_lib.site.writer.write_site`
accepts (see its docstring) and a model name. The writer uses them to precompute the orders
and counts the page shows, and the tests use them as the reference the browser must match.

Conventions:

* A prediction's *certainty* is the probability of its predicted label (0.5 to 1 for two labels).
* A sentence's weight is its LIME weight toward the positive label; toward the predicted
  label it is `weight` for a positive prediction and `-weight` for a negative one.
* Orders are lists of positions (indices into the list of reviews given); ties keep the
  given order, so every order is deterministic.
"""
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

Review = Dict[str, Any]

#: Sorts of the reviews of one title (``"order"`` is the order given).
REVIEW_SORTS = ("order", "positive", "negative", "accurate", "inaccurate")
#: Sorts of the title grid.
TITLE_SORTS = ("reviews", "positive", "negative", "accurate", "inaccurate")
#: A sentence is underlined when |weight| / max |weight| of its review exceeds this.
UNDERLINE_THRESHOLD = 0.5


class Labels:
    """The two label names, and conversions between them and booleans (True = positive)."""

    def __init__(self, positive: str = "pos", negative: str = "neg") -> None:
        if positive == negative:
            raise ValueError(f"positive and negative labels must differ, both are {positive!r}")
        self.positive = positive
        self.negative = negative

    def is_positive(self, label: Optional[str], what: str = "label") -> Optional[bool]:
        """True for the positive label, False for the negative one, None for None."""
        if label is None:
            return None
        if label == self.positive:
            return True
        if label == self.negative:
            return False
        raise ValueError(f"{what} {label!r} is neither {self.positive!r} nor {self.negative!r}")


DEFAULT_LABELS = Labels()


def prediction(review: Review, model: str) -> Dict[str, Any]:
    """The review's prediction by ``model`` (a KeyError names the review if it has none)."""
    try:
        return review["predictions"][model]
    except KeyError:
        raise KeyError(f"review {review.get('id')!r} has no prediction by model {model!r}") from None


def predicted_positive(review: Review, model: str, labels: Labels = DEFAULT_LABELS) -> bool:
    """Whether ``model`` predicted the positive label."""
    return bool(labels.is_positive(prediction(review, model)["label"], "predicted label"))


def positive_probability(review: Review, model: str, labels: Labels = DEFAULT_LABELS) -> float:
    """The probability ``model`` gave the positive label."""
    probs = prediction(review, model)["probs"]
    if labels.positive in probs:
        return float(probs[labels.positive])
    return 1.0 - float(probs[labels.negative])


def certainty(review: Review, model: str, labels: Labels = DEFAULT_LABELS) -> float:
    """The probability of the predicted label (0.5-1 for a two-label model)."""
    p = positive_probability(review, model, labels)
    return p if predicted_positive(review, model, labels) else 1.0 - p


def gold_positive(review: Review, labels: Labels = DEFAULT_LABELS) -> Optional[bool]:
    """The true label as a boolean, or None when the review has none."""
    return labels.is_positive(review.get("gold"), "gold label")


def is_correct(review: Review, model: str, labels: Labels = DEFAULT_LABELS) -> Optional[bool]:
    """Whether ``model`` got the review right; None without a true label."""
    gold = gold_positive(review, labels)
    if gold is None:
        return None
    return gold == predicted_positive(review, model, labels)


# -- grouping ----------------------------------------------------------------------------------
ALL_ID = "all"
UNGROUPED_ID = "none"


@dataclass
class Collection:
    """A title (or the single collection of all reviews): its id, whether it stands for
    reviews without a title id, and its reviews in the order given."""

    id: str
    reviews: List[Review]
    ungrouped: bool = False


def group_reviews(reviews: Sequence[Review]) -> List[Collection]:
    """Reviews grouped by their ``group``, groups in order of first appearance.

    When no review has a group, there is one collection ``"all"`` of every review. Reviews
    without a group among grouped ones go into a collection ``"none"`` (listed last). An id
    clash with a real group gets underscores added."""
    groups: Dict[str, List[Review]] = {}
    ungrouped: List[Review] = []
    for review in reviews:
        group = review.get("group")
        if group is None:
            ungrouped.append(review)
        else:
            groups.setdefault(str(group), []).append(review)
    collections = [Collection(group, members) for group, members in groups.items()]
    if ungrouped:
        special = ALL_ID if not groups else UNGROUPED_ID
        while special in groups:
            special = "_" + special + "_"
        collections.append(Collection(special, ungrouped, ungrouped=True))
    return collections


# -- sentences and highlights ------------------------------------------------------------------
def scaled_weights(sentences: Sequence[Sequence[float]]) -> List[float]:
    """Each sentence's weight divided by the review's largest |weight| (all 0 if that is 0)."""
    largest = max((abs(s[2]) for s in sentences), default=0.0)
    if largest == 0:
        return [0.0 for _ in sentences]
    return [s[2] / largest for s in sentences]


def underlined(sentences: Sequence[Sequence[float]], threshold: float = UNDERLINE_THRESHOLD) -> List[int]:
    """Indices of the sentences the page underlines: scaled |weight| above ``threshold``."""
    return [i for i, w in enumerate(scaled_weights(sentences)) if abs(w) > threshold]


def highlight(review: Review, model: str, labels: Labels = DEFAULT_LABELS) -> Optional[Dict[str, Any]]:
    """The review's strongest sentence toward its predicted label, or None when no sentence
    pushes toward it. Returns ``index``, ``start``, ``end``, ``text`` and ``weight`` (toward
    the predicted label, so always positive); the first of equal sentences wins."""
    pred = prediction(review, model)
    sign = 1.0 if predicted_positive(review, model, labels) else -1.0
    best = None
    for index, (start, end, weight) in enumerate(pred.get("sentences") or []):
        toward = sign * weight
        if toward > 0 and (best is None or toward > best["weight"]):
            best = {"index": index, "start": start, "end": end, "text": review["text"][start:end], "weight": toward}
    return best


def highlight_summary(reviews: Sequence[Review], model: str, labels: Labels = DEFAULT_LABELS) -> Dict[str, List[Dict[str, Any]]]:
    """The title page's highlights: for ``"positive"`` and ``"negative"``, one entry per review
    predicted that way that has a highlight (``position`` in ``reviews`` plus `highlight`'s
    fields), strongest first."""
    summary: Dict[str, List[Dict[str, Any]]] = {"positive": [], "negative": []}
    for position, review in enumerate(reviews):
        best = highlight(review, model, labels)
        if best is not None:
            kind = "positive" if predicted_positive(review, model, labels) else "negative"
            summary[kind].append({"position": position, **best})
    for items in summary.values():
        items.sort(key=lambda item: (-item["weight"], item["position"]))
    return summary


# -- certainty strip ---------------------------------------------------------------------------
def strip_order(reviews: Sequence[Review], model: str, labels: Labels = DEFAULT_LABELS) -> List[int]:
    """Positions in certainty-strip order: reviews predicted positive, most certain first,
    then those predicted negative, least certain first (so certainty falls, then rises again
    toward the negative end)."""
    positives = [i for i, r in enumerate(reviews) if predicted_positive(r, model, labels)]
    negatives = [i for i, r in enumerate(reviews) if not predicted_positive(r, model, labels)]
    positives.sort(key=lambda i: -certainty(reviews[i], model, labels))
    negatives.sort(key=lambda i: certainty(reviews[i], model, labels))
    return positives + negatives


#: Levels of certainty a strip segment can show (0 = 0.5, the last = 1.0).
STRIP_LEVELS = 20


def strip_level(value: float) -> int:
    """A certainty in [0.5, 1] as an integer level 0..STRIP_LEVELS-1."""
    fraction = min(max((value - 0.5) / 0.5, 0.0), 1.0)
    return min(int(round(fraction * STRIP_LEVELS, 6)), STRIP_LEVELS - 1)  # round: 0.95 is level 18


def strip_code(reviews: Sequence[Review], model: str, labels: Labels = DEFAULT_LABELS) -> str:
    """The certainty strip as one character per review, in `strip_order`: ``"A"``.. for
    positive predictions, ``"a"``.. for negative ones, the letter's rank its certainty level."""
    chars = []
    for i in strip_order(reviews, model, labels):
        base = "A" if predicted_positive(reviews[i], model, labels) else "a"
        chars.append(chr(ord(base) + strip_level(certainty(reviews[i], model, labels))))
    return "".join(chars)


# -- accuracy ----------------------------------------------------------------------------------
@dataclass
class Accuracy:
    """Counts of right and wrong predictions over the labelled reviews."""

    correct: int
    wrong: int
    unlabelled: int

    @property
    def labelled(self) -> int:
        return self.correct + self.wrong

    @property
    def percent(self) -> Optional[float]:
        """Percent right among labelled reviews (None when none is labelled)."""
        return 100.0 * self.correct / self.labelled if self.labelled else None


def accuracy(reviews: Sequence[Review], model: str, labels: Labels = DEFAULT_LABELS) -> Accuracy:
    """How many of the labelled reviews ``model`` got right and wrong."""
    correct = wrong = unlabelled = 0
    for review in reviews:
        right = is_correct(review, model, labels)
        if right is None:
            unlabelled += 1
        elif right:
            correct += 1
        else:
            wrong += 1
    return Accuracy(correct, wrong, unlabelled)


def positive_count(reviews: Sequence[Review], model: str, labels: Labels = DEFAULT_LABELS) -> int:
    """How many reviews ``model`` predicted positive."""
    return sum(predicted_positive(r, model, labels) for r in reviews)


# -- sorts -------------------------------------------------------------------------------------
def sort_reviews(reviews: Sequence[Review], model: str, order: str, labels: Labels = DEFAULT_LABELS) -> List[int]:
    """Positions of ``reviews`` in one of `REVIEW_SORTS`:

    * ``order``: as given;
    * ``positive`` / ``negative``: by the positive probability, highest / lowest first;
    * ``accurate``: right predictions first (most certain first), then unlabelled, then wrong
      (least certain first);
    * ``inaccurate``: wrong predictions first (most certain, i.e. most confidently wrong, first),
      then unlabelled, then right (least certain first).
    """
    positions = list(range(len(reviews)))
    if order == "order":
        return positions
    if order in ("positive", "negative"):
        sign = -1.0 if order == "positive" else 1.0
        return sorted(positions, key=lambda i: sign * positive_probability(reviews[i], model, labels))
    if order in ("accurate", "inaccurate"):
        first = order == "accurate"

        def key(i: int) -> Tuple[int, float]:
            right = is_correct(reviews[i], model, labels)
            c = certainty(reviews[i], model, labels)
            if right is None:
                return (1, -c)
            if right == first:
                return (0, -c)
            return (2, c)

        return sorted(positions, key=key)
    raise ValueError(f"unknown review sort {order!r}; choose from {REVIEW_SORTS}")


@dataclass
class TitleStats:
    """What a title card needs for one model."""

    reviews: int
    positive: int
    accuracy: Accuracy

    @property
    def positive_share(self) -> float:
        return self.positive / self.reviews if self.reviews else 0.0


def title_stats(reviews: Sequence[Review], model: str, labels: Labels = DEFAULT_LABELS) -> TitleStats:
    """Counts for a title card: reviews, predicted positives, accuracy."""
    return TitleStats(len(reviews), positive_count(reviews, model, labels), accuracy(reviews, model, labels))


def sort_titles(stats: Sequence[TitleStats], order: str) -> List[int]:
    """Positions of titles (given their `TitleStats` for one model) in one of `TITLE_SORTS`:

    * ``reviews``: most reviews first;
    * ``positive`` / ``negative``: largest share of positive / negative predictions first,
      ties by more reviews;
    * ``accurate`` / ``inaccurate``: highest / lowest accuracy first, ties by more reviews;
      titles without labelled reviews last.
    Remaining ties keep the given order."""
    positions = list(range(len(stats)))
    if order == "reviews":
        return sorted(positions, key=lambda i: -stats[i].reviews)
    if order == "positive":
        return sorted(positions, key=lambda i: (-stats[i].positive_share, -stats[i].reviews))
    if order == "negative":
        return sorted(positions, key=lambda i: (stats[i].positive_share, -stats[i].reviews))
    if order in ("accurate", "inaccurate"):
        sign = -1.0 if order == "accurate" else 1.0

        def key(i: int) -> Tuple[int, float, int]:
            percent = stats[i].accuracy.percent
            if percent is None:
                return (1, 0.0, -stats[i].reviews)
            return (0, sign * percent, -stats[i].reviews)

        return sorted(positions, key=key)
    raise ValueError(f"unknown title sort {order!r}; choose from {TITLE_SORTS}")


# -- two models --------------------------------------------------------------------------------
@dataclass
class Disagreement:
    """A review on which two models disagree; ``right`` names the model that got it right
    (None without a true label)."""

    position: int
    review: Review
    right: Optional[str]


def disagreements(reviews: Sequence[Review], model_a: str, model_b: str, labels: Labels = DEFAULT_LABELS) -> List[Disagreement]:
    """The reviews on which ``model_a`` and ``model_b`` predict different labels, in the
    order given, each with the model that was right."""
    found = []
    for position, review in enumerate(reviews):
        a = predicted_positive(review, model_a, labels)
        if a == predicted_positive(review, model_b, labels):
            continue
        gold = gold_positive(review, labels)
        right = None if gold is None else (model_a if a == gold else model_b)
        found.append(Disagreement(position, review, right))
    return found
