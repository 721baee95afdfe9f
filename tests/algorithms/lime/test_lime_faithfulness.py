"""The LIME paper's faithfulness check (section 5.2), small: word LIME must recover the words a
sparse logistic regression really uses (at most 10 per review) with K = 10."""
import numpy as np
import pytest

from textflix_lib.algorithms.lime import BatchScorer, LimeExplainer, Segmenter, TextExplainer
from textflix_lib.algorithms.lime.segments import WORD
from textflix_lib.data.imdb import balanced_sample


@pytest.fixture(scope="module")
def sparse_lr(split):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    train = balanced_sample(split.train, 600, seed=0)
    vectorizer = CountVectorizer(binary=True, lowercase=True, token_pattern=WORD.pattern)
    X = vectorizer.fit_transform([r.text for r in train])
    y = np.array([r.label == "pos" for r in train], dtype=int)
    model = LogisticRegression(l1_ratio=1.0, solver="liblinear", C=0.1).fit(X, y)
    important = set(np.array(vectorizer.get_feature_names_out())[model.coef_[0] != 0])
    assert 10 < len(important) < 200
    return vectorizer, model, important


def test_word_lime_recovers_the_truly_important_words(sparse_lr, split):
    vectorizer, model, important = sparse_lr
    explainer = TextExplainer(BatchScorer(lambda texts: model.predict_proba(vectorizer.transform(texts)), 512),
                              LimeExplainer(num_samples=500, num_features=10, feature_selection="lasso"), Segmenter("word"))
    recalls = []
    for review in balanced_sample(split.test, 200, seed=1):
        segmentation = explainer.segment(review.text)
        gold = set(segmentation.feature_names) & important
        if not 1 <= len(gold) <= 10:
            continue
        explanation = explainer.explain(review.text)
        chosen = {segmentation.feature_names[j] for j in explanation.explanation.selected}
        recalls.append(len(chosen & gold) / len(gold))
        if len(recalls) == 12:
            break
    assert len(recalls) == 12
    assert np.mean(recalls) >= 0.9


def test_the_opinion_sentence_comes_out_on_top_of_plot_summary(sparse_lr):
    vectorizer, model, _ = sparse_lr
    explainer = TextExplainer(BatchScorer(lambda texts: model.predict_proba(vectorizer.transform(texts))),
                              LimeExplainer())
    plot = ["The story follows a retired teacher who moves to a small town in Maine.",
            "Her brother runs the hardware store on the main street.",
            "In the second half she starts to write letters to an old friend.",
            "The film was shot in the autumn of 1998."]
    for opinion in ("It is a great film, the best I have seen this year, and I loved every minute.",
                    "It is the worst film of the year: awful, boring and a waste of time."):
        text = " ".join(plot[:2] + [opinion] + plot[2:])
        explained = explainer.explain(text)
        top = explained.top_segments(1)[0]
        assert explained.segmentation.segments[top].text == opinion
        assert explained.segment_weights[top] > 0  # toward the predicted label
