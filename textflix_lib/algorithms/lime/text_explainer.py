"""LIME over the sentences or words of a text: a `Segmentation` composed with a `LimeExplainer`
and a `BatchScorer`, and the JSON a report (or `allennlp predict`) shows for one review."""
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from textflix_lib.algorithms.lime.explainer import Explanation, LimeExplainer
from textflix_lib.algorithms.lime.scoring import BatchScorer
from textflix_lib.algorithms.lime.explained import ExplainedReview, ExplainedSegment
from textflix_lib.algorithms.lime.segments import Segmentation, Segmenter


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

    def record(self, labels: Sequence[str], positive_label: Optional[str] = "pos", top_k: int = 3) -> ExplainedReview:
        """The explanation as the report shows it (an `ExplainedReview`): the label and its
        probability, every segment in text order with offsets and a signed weight toward the
        predicted label (and, for a two-label model with `positive_label`, toward that label),
        the top-k highlights, and the surrogate's fit. Weights are in units of `target`
        (probability or log-odds)."""
        exp = self.explanation
        label = labels[exp.label]
        to_positive = None
        if positive_label is not None and len(labels) == 2 and positive_label in labels:
            # p(other) = 1 - p(label): the surrogate for the other label is the same fit, negated
            to_positive = 1.0 if label == positive_label else -1.0
        segments = [
            ExplainedSegment(segment.text, segment.start, segment.end, float(weight),
                             None if to_positive is None else float(to_positive * weight))
            for segment, weight in zip(self.segmentation.segments, self.segment_weights)
        ]
        return ExplainedReview(
            label=label,
            probability=float(exp.prediction),
            probs={name: float(p) for name, p in zip(labels, exp.probs)},
            unit=self.segmentation.unit,
            segments=segments,
            highlights=self.top_segments(top_k),
            target=exp.target,
            intercept=float(exp.intercept),
            fit_r2=float(exp.score),
            num_features=self.segmentation.num_features,
            exact=exp.exact,
            model_calls=self.model_calls,
        )

    def to_json(self, labels: Sequence[str], positive_label: Optional[str] = "pos", top_k: int = 3) -> Dict[str, Any]:
        """`record(...)` in its JSON form."""
        return self.record(labels, positive_label, top_k).to_json()


class TextExplainer:
    """
    Explains one text at a time with LIME over its sentences or words.

    # Parameters

    scorer : `BatchScorer`
        Scores texts with the model (distinct texts once, in length-sorted batches).
    explainer : `LimeExplainer`
    segmenter : `Segmenter`, optional (default = `Segmenter()`, sentences dropped)
        How a text is cut into units and how a unit is removed.
    """

    def __init__(self, scorer: BatchScorer, explainer: LimeExplainer, segmenter: Optional[Segmenter] = None) -> None:
        self.scorer = scorer
        self.explainer = explainer
        self.segmenter = segmenter or Segmenter()

    @property
    def unit(self) -> str:
        return self.segmenter.unit

    def segment(self, text: str) -> Segmentation:
        return self.segmenter.segment(text)

    def explain(self, text: str, label: Optional[int] = None) -> TextExplanation:
        segmentation = self.segment(text)
        self.scorer.reset()
        before = self.scorer.texts_scored

        def score(rows: np.ndarray) -> np.ndarray:
            return self.scorer(segmentation.compose_many(rows))

        explanation = self.explainer.explain(segmentation.num_features, score, label)
        return TextExplanation(segmentation, explanation, self.scorer.texts_scored - before)
