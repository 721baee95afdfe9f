"""Site records from real reviews and real small models, without AllenNLP.

Two differently configured NB-SVMs (`textflix_lib.algorithms.nbsvm`) are fit on a few hundred
embedded training reviews; each held-out review is explained with sentence LIME
(`textflix_lib.algorithms.lime`, assembled as `predictors/sentence_lime.py` does). Used by
the site tests and by `experiments/site_benchmark.py`.
"""
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from textflix_lib.algorithms.lime import BatchScorer, LimeExplainer, TextExplainer
from textflix_lib.algorithms.nbsvm import NBSVM
from textflix_lib.algorithms.text_features import binary_matrix
from textflix_lib.algorithms.text_features import NgramAnalyzer
from textflix_lib.data.imdb import Review, balanced_sample, embedded_split

LABELS = ["neg", "pos"]  # NBSVM's probability columns

MODELS = [
    {"name": "nbsvm", "description": "NB-SVM on word uni- and bigrams (300 training reviews)"},
    {"name": "nblr-words", "description": "NB logistic regression on single words (120 training reviews)"},
    {"name": "nbsvm-negation", "description": "NB-SVM on words after a negation, marked (60 training reviews)"},
]
CONFIGS = {
    "nbsvm": dict(analyzer=dict(ngram_range=(1, 2)), model=dict(classifier="svm"), train=300),
    "nblr-words": dict(analyzer=dict(ngram_range=(1, 1), stemming=False), model=dict(classifier="logreg", C=0.3), train=120),
    "nbsvm-negation": dict(analyzer=dict(ngram_range=(1, 1), negation="mark"), model=dict(classifier="svm"), train=60),
}
DEFAULT_MODELS = ("nbsvm", "nblr-words")


class TextClassifier:
    """An NB-SVM over an n-gram vocabulary: ``texts -> (n, 2)`` probabilities (neg, pos)."""

    def __init__(self, train: Sequence[Review], analyzer: Dict[str, Any], model: Dict[str, Any]) -> None:
        self.analyzer = NgramAnalyzer(**analyzer)
        grams = [self.analyzer(r.text) for r in train]
        self.vocab: Dict[str, int] = {}
        for row in grams:
            for g in row:
                self.vocab.setdefault(g, len(self.vocab))
        y = np.array([1 if r.label == "pos" else 0 for r in train])
        self.model = NBSVM(**model).fit(self._matrix(grams), y)

    def _matrix(self, grams: List[List[str]]):
        rows = [[self.vocab[g] for g in row if g in self.vocab] for row in grams]
        return binary_matrix(rows, len(self.vocab))

    def __call__(self, texts: List[str]) -> np.ndarray:
        return self.model.predict_proba(self._matrix([self.analyzer(t) for t in texts]))


def explainer_for(classifier: Callable[[List[str]], np.ndarray], num_samples: int = 64) -> TextExplainer:
    """Sentence LIME as the `sentence_lime` predictor configures it (log-odds, 64 samples)."""
    # the default segmentation is sentences, with whichever splitter the library uses
    return TextExplainer(BatchScorer(classifier, 64), LimeExplainer(num_samples=num_samples, target="log_odds", seed=0))


def predict_record(explainer: TextExplainer, text: str) -> Dict[str, Any]:
    """One model's prediction in the site's record format."""
    explained = explainer.explain(text).to_json(LABELS, positive_label="pos", top_k=0)
    return {
        "label": explained["label"],
        "probs": explained["probs"],
        "sentences": [[s["start"], s["end"], s["positive_weight"]] for s in explained["segments"]],
    }


def build_records(count: int = 40, seed: int = 0, models: Optional[Sequence[str]] = None,
                  groups: Optional[Sequence[Optional[str]]] = None,
                  extra: Sequence[Dict[str, Any]] = ()) -> Tuple[List[Dict[str, Any]], List[Dict[str, str]]]:
    """``count`` class-balanced held-out reviews with predictions from the two models.

    ``groups`` gives each review's group id in turn (cycled); by default there are none.
    ``extra`` records (``id``, ``text``, ``gold``, ``group``, ``fields``) are appended with
    predictions from the same models. Returns ``(records, models)`` as `write_site` takes them."""
    split = embedded_split()
    names = list(models or DEFAULT_MODELS)
    explainers = {}
    for name in names:
        config = CONFIGS[name]
        train = balanced_sample(split.train, config["train"], seed=seed)
        explainers[name] = explainer_for(TextClassifier(train, config["analyzer"], config["model"]))
    reviews = balanced_sample(split.test, count, seed=seed)
    records = []
    for i, review in enumerate(reviews):
        records.append({
            "id": str(review.metadata.get("review_id", f"r{i}")),
            "text": review.text,
            "gold": review.label,
            "group": None if not groups else groups[i % len(groups)],
            "fields": {"review": i + 1},
            "predictions": {name: predict_record(explainers[name], review.text) for name in names},
        })
    for item in extra:
        record = {"fields": {}, "gold": None, "group": None, **item}
        record["predictions"] = {name: predict_record(explainers[name], item["text"]) for name in names}
        records.append(record)
    return records, [next(m for m in MODELS if m["name"] == name) for name in names]


# a review and titles written to break out of the page: shown as text, running nothing
HOSTILE_TEXT = (
    'I loved it <script>window.__pwned=1</script> and the cast was superb. '
    '<img src=x onerror="window.__pwned=1"> A wonderful, moving film. '
    'Click <a href="javascript:window.__pwned=1">here</a> javascript:window.__pwned=1 for more. '
    'Terrible ending though, a waste.'
)
TITLES = {
    "tt0000001": {"title": "The First Film", "year": 1994, "runtime": "142 min",
                  "plot": "Two friends find that a long story can be told in a short blurb."},
    "tt0000002": {"title": '<img src=x onerror="window.__pwned=1">Hostile Title', "year": 2001,
                  "genre": "<script>window.__pwned=1</script>", "url": "javascript:window.__pwned=1"},
}
