"""The population map's pieces: coordinates deterministic for a seed, clusters and their
distinctive words on texts built to differ, losses, and an HTML page that keeps hostile text
as text."""
import json
import re

import numpy
import pytest
import scipy.sparse as sp

from textflix_lib.algorithms import population as pop


def blobs(n=90, seed=0):
    rng = numpy.random.default_rng(seed)
    centres = numpy.array([[0.0] * 8, [6.0] * 8, [-6.0] * 8])
    which = numpy.arange(n) % 3
    return centres[which] + rng.normal(size=(n, 8)), which


@pytest.mark.parametrize("method", ["tsne", "pca"])
def test_coordinates_are_deterministic_for_a_seed(method):
    features, _ = blobs()
    first = pop.project(features, method, seed=3)
    assert first.shape == (90, 2)
    numpy.testing.assert_array_equal(first, pop.project(features, method, seed=3))
    assert first.min() == 0.0 and first.max() == 1.0


def test_sparse_input_is_deterministic_too():
    features, _ = blobs()
    sparse = sp.csr_matrix(numpy.abs(features))
    numpy.testing.assert_array_equal(pop.project(sparse, "tsne", seed=0), pop.project(sparse, "tsne", seed=0))


def test_separated_groups_stay_separated_and_cluster_apart():
    features, which = blobs()
    coords = pop.project(features, "tsne", seed=0)
    assignment = pop.clusters(coords, 3, seed=0)
    # each k-means cluster is exactly one of the three groups
    for cluster in range(3):
        assert len(set(which[assignment == cluster])) == 1


def test_distinctive_words_name_each_cluster():
    texts = ["the zombie horror was gory and scary"] * 10 + ["a romantic comedy, charming and sweet love"] * 10
    words = pop.distinctive_words(texts, [0] * 10 + [1] * 10, top=3)
    assert set(words[0]) <= {"zombie", "horror", "gory", "scary"} and len(words[0]) == 3
    assert set(words[1]) <= {"romantic", "comedy", "charming", "sweet", "love"} and len(words[1]) == 3


def test_losses():
    probs = numpy.array([[0.9, 0.1], [0.2, 0.8]])
    numpy.testing.assert_allclose(pop.losses(probs, [0, 0]), [-numpy.log(0.9), -numpy.log(0.2)])


def test_too_few_reviews_and_bad_method():
    with pytest.raises(ValueError, match="at least 3"):
        pop.project(numpy.zeros((2, 4)))
    with pytest.raises(ValueError, match="method"):
        pop.project(numpy.zeros((5, 4)), "umap")


HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)> & \u2028 "quotes" \'single\''


def test_html_keeps_hostile_text_as_data():
    points = [{"id": str(i), "x": i / 2, "y": 0.5, "label": "pos" if i else "neg", "p_positive": 0.5,
               "loss": 0.7, "cluster": 0, "text": HOSTILE} for i in range(3)]
    worst = [{"id": "0", "label": "neg", "p_positive": 0.5, "loss": 0.7, "text": HOSTILE, "predicted": "pos",
              "highlights": [{"text": HOSTILE, "weight": 0.3}]}]
    page = pop.population_html(points, {0: ["<b>bold</b>"]}, worst, title="<title>x</title>", subtitle="a & b")
    # nothing hostile appears as markup: one data script, one program script, no injected tags
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "<img" not in page and "<b>" not in page and "<title>x</title>" not in page
    assert "&lt;title&gt;x&lt;/title&gt;" in page and "a &amp; b" in page
    assert "\u2028" not in page
    # the data parses back to the exact texts
    data = json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S).group(1))
    assert data["points"][0]["text"] == HOSTILE and data["worst"][0]["highlights"][0]["text"] == HOSTILE
    assert data["clusters"]["0"] == ["<b>bold</b>"]
    # texts are inserted with textContent, never innerHTML
    assert "innerHTML" not in page and "textContent" in page


def test_png(tmp_path):
    features, which = blobs(30)
    coords = pop.project(features, "pca")
    points = pop.build_points(coords, ["good film"] * 30, ["pos" if w else "neg" for w in which],
                              numpy.tile([0.3, 0.7], (30, 1)), [1 if w else 0 for w in which], 1,
                              pop.clusters(coords, 3))
    from textflix_lib.algorithms.calibration_plots import save_png
    path = save_png(pop.population_figure(points, {0: ["a"], 1: ["b"], 2: ["c"]}, "t"), str(tmp_path / "map.png"))
    assert open(path, "rb").read(4) == b"\x89PNG"
    assert pop.worst_indices(points, 2) == sorted(range(30), key=lambda i: (-points[i]["loss"], i))[:2]
