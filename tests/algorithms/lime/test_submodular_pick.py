import numpy as np
import pytest

from textflix_lib.algorithms.lime import ExplainedReview

from textflix_lib.algorithms.lime.submodular_pick import (
    covered_fraction, explanation_matrix, pick_explanations, submodular_pick)


def test_the_papers_toy_example():
    # Figure 5: rows are documents, columns features; f2 explains most rows
    W = np.array([[1, 1, 0, 0, 0],
                  [0, 1, 1, 0, 0],
                  [0, 1, 1, 0, 0],
                  [0, 1, 0, 1, 0],
                  [0, 0, 0, 1, 1]], dtype=float)
    picked, coverage, importance = submodular_pick(W, 2)
    assert importance[1] == importance.max()
    # the paper's pick: rows 2 and 5 cover all but f1 (ties broken toward the first row)
    assert sorted(picked) in ([1, 4], [0, 4]) and picked[0] in (0, 1, 3)
    assert coverage == sorted(coverage)
    assert covered_fraction(W, picked) == pytest.approx(coverage[-1] / importance.sum())
    # a redundant row is never picked while something new remains
    assert 2 not in submodular_pick(W, 3)[0][:2]


def test_greedy_gain_is_never_worse_than_any_single_row():
    rng = np.random.default_rng(0)
    W = rng.random((30, 40)) * (rng.random((30, 40)) < 0.15)
    picked, coverage, importance = submodular_pick(W, 5)
    assert len(set(picked)) == 5
    best_single = max(importance[W[i] > 0].sum() for i in range(30))
    assert coverage[0] == pytest.approx(best_single)
    assert all(b >= a for a, b in zip(coverage, coverage[1:]))


def _explanation(sentences, unit="sentence"):
    segments = [{"text": t, "start": 0, "end": len(t), "weight": w} for t, w in sentences]
    order = sorted(range(len(segments)), key=lambda i: -abs(segments[i]["weight"]))[:3]
    highlights = [{"index": i, **segments[i]} for i in order]
    return ExplainedReview.from_json({"unit": unit, "segments": segments, "highlights": highlights, "label": "pos",
                                      "probability": 0.9})


def test_sentences_are_compared_by_their_content_words():
    explanations = [
        _explanation([("The acting is superb.", 0.4), ("It was released in May.", 0.01)]),
        _explanation([("Superb acting all round.", 0.3)]),
        _explanation([("The ending is a letdown.", -0.5)]),
    ]
    W, names = explanation_matrix(explanations)
    assert "the" not in names and "acting" in names and "superb" in names
    assert W[0, names.index("acting")] == pytest.approx(0.4)
    result = pick_explanations(explanations, budget=2)
    # the first two reviews share their features: after one of them, the pick takes the new
    # "ending" review rather than the other
    picked = [p["index"] for p in result["picked"]]
    assert picked[0] == 1 and picked[1] == 2  # review 1 covers "acting", "superb" and "round"
    assert set(result["picked"][1]["features"]) == {"ending", "letdown"}
    words = pick_explanations([_explanation([("great", 0.2), ("plot", 0.0)], unit="word")], 1)
    assert words["picked"][0]["features"] == ["great"]
    assert pick_explanations([], 3)["picked"] == []
    with pytest.raises(ValueError, match="budget"):
        submodular_pick(W, 0)
