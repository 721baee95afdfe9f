"""SP-LIME (Ribeiro et al. 2016, Algorithm 2): pick B explanations that together cover the
features that matter most across many explanations, without redundancy.

Explanation matrix W (reviews x features, W_ij = |weight of feature j in review i|), global
importance I_j = sqrt(sum_i W_ij), coverage c(V) = sum of I_j over the features that appear
(W_ij > 0) in at least one picked review; the greedy pick adds the review with the largest
coverage gain, a (1 - 1/e) approximation of the best set since c is submodular.

**How features are compared across reviews.** Word explanations use the words themselves, as
in the paper. A sentence occurs in one review only, so with sentences as columns every
review would cover only its own columns and the pick would collapse into "the reviews with
the largest weights", with no notion of redundancy. We therefore describe each highlighted
sentence by the content words it contains (lower-cased, English stop words removed): a
review's W_ij is the largest |weight| among its highlighted sentences that contain word j.
Two reviews praising "the acting" then overlap, while one about "the ending" adds new
coverage, which is the diversity SP-LIME is for. Only the highlights (the top-k sentences a
reader is shown) count, since those are the explanation the user sees.
"""
import re
from typing import Dict, Iterable, List, Sequence, Tuple

import numpy as np

from textflix_lib.algorithms.lime.explained import ExplainedReview

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


def _stop_words() -> frozenset:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | {"s", "t", "br", "movie", "film", "films", "movies"}


def content_words(text: str, stop_words: frozenset) -> List[str]:
    words = (w.lower().replace("’", "'") for w in _WORD.findall(text))
    return [w for w in words if len(w) > 1 and w not in stop_words]


def explanation_matrix(explanations: Sequence[ExplainedReview]) -> Tuple[np.ndarray, List[str]]:
    """W and its column names from explanations."""
    stop_words = _stop_words()
    rows: List[Dict[str, float]] = []
    for explanation in explanations:
        row: Dict[str, float] = {}
        if explanation.unit == "word":
            for segment in explanation.segments:
                if segment.weight != 0:
                    row[segment.text.lower()] = abs(segment.weight)
        else:
            for highlight in explanation.highlighted:
                for word in set(content_words(highlight.text, stop_words)):
                    row[word] = max(row.get(word, 0.0), abs(highlight.weight))
        rows.append(row)
    names = sorted({name for row in rows for name in row})
    column = {name: j for j, name in enumerate(names)}
    W = np.zeros((len(rows), len(names)))
    for i, row in enumerate(rows):
        for name, value in row.items():
            W[i, column[name]] = value
    return W, names


def submodular_pick(W: np.ndarray, budget: int) -> Tuple[List[int], List[float], np.ndarray]:
    """Greedy pick of at most ``budget`` rows of W. Returns the picked rows in pick order, the
    coverage after each pick, and the importance I of every column."""
    if budget < 1:
        raise ValueError(f"budget must be positive, got {budget}")
    importance = np.sqrt(np.abs(W).sum(axis=0))
    present = np.abs(W) > 0
    covered = np.zeros(W.shape[1], dtype=bool)
    picked: List[int] = []
    coverage: List[float] = []
    for _ in range(min(budget, W.shape[0])):
        gains = (present & ~covered) @ importance
        gains[picked] = -1.0
        best = int(np.argmax(gains))
        picked.append(best)
        covered |= present[best]
        coverage.append(float(importance[covered].sum()))
    return picked, coverage, importance


def pick_explanations(explanations: Sequence[ExplainedReview], budget: int, top_features: int = 5) -> Dict:
    """SP-LIME over explanations: the picked reviews (index, coverage gain, the features they
    cover) and the most important features overall."""
    W, names = explanation_matrix(explanations)
    picked, coverage, importance = submodular_pick(W, budget) if len(explanations) else ([], [], np.zeros(0))
    result = []
    previous = 0.0
    for index, total in zip(picked, coverage):
        row = W[index]
        order = np.argsort(-(row * importance), kind="stable")
        result.append({
            "index": index, "coverage": total, "gain": total - previous,
            "features": [names[j] for j in order[:top_features] if row[j] > 0],
        })
        previous = total
    overall = np.argsort(-importance, kind="stable")[:20]
    return {
        "picked": result,
        "total_importance": float(importance.sum()),
        "important_features": [{"feature": names[j], "importance": float(importance[j])} for j in overall],
    }


def covered_fraction(W: np.ndarray, rows: Iterable[int]) -> float:
    importance = np.sqrt(np.abs(W).sum(axis=0))
    rows = list(rows)
    if not rows or importance.sum() == 0:
        return 0.0
    return float(importance[(np.abs(W[rows]) > 0).any(axis=0)].sum() / importance.sum())
