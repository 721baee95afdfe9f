import numpy as np
import pytest

from textflix_lib.algorithms.lime.eraser import deletion_scores, ranking_from_weights, rationale_sizes
from textflix_lib.algorithms.lime.segments import Segmentation


def test_deletion_scores_reward_the_sentence_the_model_uses():
    text = "A quiet start. It is wonderful. The middle drags a little. The end comes."
    segmentation = Segmentation(text)

    def score(texts):
        p = np.array([0.2 + 0.7 * ("wonderful" in t) for t in texts])
        return np.stack([1 - p, p], axis=1)

    assert rationale_sizes(4) == [1, 1, 2, 2, 2]
    good = deletion_scores(segmentation, [1, 0, 2, 3], 1, score)
    bad = deletion_scores(segmentation, [0, 2, 3, 1], 1, score)
    assert good["comprehensiveness"] == pytest.approx(0.7) and good["sufficiency"] == pytest.approx(0.0)
    assert bad["comprehensiveness"] == pytest.approx(0.0) and bad["sufficiency"] == pytest.approx(0.7)
    assert ranking_from_weights(np.array([0.1, 0.5, -0.3])) == [1, 0, 2]
    assert deletion_scores(Segmentation(""), [], 1, score)["comprehensiveness"] == 0.0
