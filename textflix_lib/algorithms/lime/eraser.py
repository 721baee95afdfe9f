"""Faithfulness by deletion, as in the ERASER benchmark (DeYoung et al. 2020): comprehensiveness
(how much the predicted class's probability drops when the top-ranked units are removed) and
sufficiency (how much it drops when only they are kept). Good explanations have high
comprehensiveness and low sufficiency; a random ranking of the same units is the baseline.
Scores are aggregated over several rationale sizes (AOPC)."""
import math
from typing import Callable, Dict, List, Sequence

import numpy as np

from textflix_lib.algorithms.lime.segments import Segmentation

DEFAULT_FRACTIONS = (0.1, 0.2, 0.3, 0.4, 0.5)


def rationale_sizes(d: int, fractions: Sequence[float] = DEFAULT_FRACTIONS) -> List[int]:
    """Number of units for each fraction: ceil(fraction * d), at least 1, at most d."""
    return [min(d, max(1, math.ceil(f * d))) for f in fractions]


def deletion_scores(segmentation: Segmentation, ranking: Sequence[int], label: int,
                    score_texts: Callable[[List[str]], np.ndarray],
                    fractions: Sequence[float] = DEFAULT_FRACTIONS) -> Dict[str, float]:
    """Comprehensiveness and sufficiency of the features in ``ranking`` (most important first),
    averaged over the rationale sizes (AOPC), plus both at size 1."""
    d = segmentation.num_features
    if d == 0:
        return {"comprehensiveness": 0.0, "sufficiency": 0.0, "comprehensiveness@1": 0.0, "sufficiency@1": 0.0}
    sizes = rationale_sizes(d, fractions)
    keep_all = np.ones(d, dtype=bool)
    texts = [segmentation.text]
    for k in sorted(set(sizes) | {1}):
        top = np.asarray(ranking[:k], dtype=int)
        without = keep_all.copy()
        without[top] = False
        only = ~keep_all
        only[top] = True
        texts += [segmentation.compose(without), segmentation.compose(only)]
    probs = np.asarray(score_texts(texts))[:, label]
    full = probs[0]
    by_size = {}
    for i, k in enumerate(sorted(set(sizes) | {1})):
        by_size[k] = (full - probs[1 + 2 * i], full - probs[2 + 2 * i])
    return {
        "comprehensiveness": float(np.mean([by_size[k][0] for k in sizes])),
        "sufficiency": float(np.mean([by_size[k][1] for k in sizes])),
        "comprehensiveness@1": float(by_size[1][0]),
        "sufficiency@1": float(by_size[1][1]),
    }


def ranking_from_weights(weights: np.ndarray) -> List[int]:
    """Features by weight toward the explained class, largest first."""
    return [int(j) for j in np.argsort(-np.asarray(weights), kind="stable")]
