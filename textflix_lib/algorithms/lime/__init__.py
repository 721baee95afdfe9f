"""LIME and SP-LIME for text, over sentences or words (no AllenNLP here)."""
from textflix_lib.algorithms.lime.explainer import Explanation, LimeExplainer  # noqa: F401
from textflix_lib.algorithms.lime.scoring import BatchScorer  # noqa: F401
from textflix_lib.algorithms.lime.segments import Segment, Segmentation, Segmenter, sentence_spans, word_spans  # noqa: F401
from textflix_lib.algorithms.lime.text_explainer import TextExplainer, TextExplanation  # noqa: F401
from textflix_lib.algorithms.lime.explained import ExplainedReview, ExplainedSegment  # noqa: F401
