"""LIME over the sentences or words of a text: a `Segmentation` composed with a `LimeExplainer`
and a `BatchScorer`, and the JSON a report (or `allennlp predict`) shows for one review."""
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from textflix_lib.algorithms.lime.explainer import Explanation, LimeExplainer
from textflix_lib.algorithms.lime.scoring import BatchScorer
from textflix_lib.algorithms.lime.segments import Segmentation


@dataclass
class TextExplanation:
    segmentation: Segmentation
    explanation: Explanation
    model_calls: int

    @property
    def segment_weights(self) -> np.ndarray:
        """One weight per segment (a word's feature weight for every occurrence), toward the
        explained class."""
        features = [s.feature for s in self.segmentation.segments]
        return self.explanation.weights[features] if features else np.zeros(0)

    def top_segments(self, k: int) -> List[int]:
        """Indices of the k segments with the largest absolute non-zero weight (for words, the
        first occurrence of each feature)."""
        weights = self.explanation.weights
        seen, order = set(), []
        for i in np.argsort(-np.abs(self.segment_weights), kind="stable"):
            feature = self.segmentation.segments[i].feature
            if weights[feature] == 0 or feature in seen:
                continue
            seen.add(feature)
            order.append(int(i))
            if len(order) == k:
                break
        return order

    def to_json(self, labels: Sequence[str], positive_label: Optional[str] = "pos", top_k: int = 3) -> Dict[str, Any]:
        """The explanation as the report shows it: the label and its probability, every
        segment in text order with offsets and a signed weight toward the predicted label (and,
        for a two-label model with `positive_label`, toward that label), the top-k highlights,
        and the surrogate's fit. Weights are in units of `target` (probability or log-odds)."""
        exp = self.explanation
        label = labels[exp.label]
        to_positive = None
        if positive_label is not None and len(labels) == 2 and positive_label in labels:
            # p(other) = 1 - p(label): the surrogate for the other label is the same fit, negated
            to_positive = 1.0 if label == positive_label else -1.0
        segments = []
        for segment, weight in zip(self.segmentation.segments, self.segment_weights):
            item = {"text": segment.text, "start": segment.start, "end": segment.end, "weight": float(weight)}
            if to_positive is not None:
                item["positive_weight"] = float(to_positive * weight)
            segments.append(item)
        highlights = [{"index": i, **segments[i]} for i in self.top_segments(top_k)]
        return {
            "label": label,
            "probability": float(exp.prediction),
            "probs": {name: float(p) for name, p in zip(labels, exp.probs)},
            "unit": self.segmentation.unit,
            "segments": segments,
            "highlights": highlights,
            "target": exp.target,
            "intercept": float(exp.intercept),
            "fit_r2": float(exp.score),
            "num_features": self.segmentation.num_features,
            "exact": exp.exact,
            "model_calls": self.model_calls,
        }


class TextExplainer:
    """
    Explains one text at a time with LIME over its sentences or words.

    # Parameters

    scorer : `BatchScorer`
        Scores texts with the model (distinct texts once, in length-sorted batches).
    explainer : `LimeExplainer`
    unit : `str`, optional (default = `"sentence"`)
    bow : `bool`, optional (default = `True`)
        Words only: one feature per distinct word.
    mode : `str`, optional (default = `"drop"`)
        Remove a unit (`"drop"`) or replace it with `mask_string` (`"mask"`).
    mask_string : `str`, optional (default = `"UNKWORDZ"`)
    """

    def __init__(self, scorer: BatchScorer, explainer: LimeExplainer, unit: str = "sentence",
                 bow: bool = True, mode: str = "drop", mask_string: str = "UNKWORDZ") -> None:
        self.scorer = scorer
        self.explainer = explainer
        self.unit = unit
        self.bow = bow
        self.mode = mode
        self.mask_string = mask_string
        Segmentation("", unit, bow, mode, mask_string)  # validates unit and mode now

    def segment(self, text: str) -> Segmentation:
        return Segmentation(text, self.unit, self.bow, self.mode, self.mask_string)

    def explain(self, text: str, label: Optional[int] = None) -> TextExplanation:
        segmentation = self.segment(text)
        self.scorer.reset()
        before = self.scorer.texts_scored

        def score(rows: np.ndarray) -> np.ndarray:
            return self.scorer(segmentation.compose_many(rows))

        explanation = self.explainer.explain(segmentation.num_features, score, label)
        return TextExplanation(segmentation, explanation, self.scorer.texts_scored - before)
