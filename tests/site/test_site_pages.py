"""The data the pages show: grouping, highlights, the certainty strip, sorts, accuracy,
disagreements (textflix_lib.site.pages)."""
import pytest

from textflix_lib.site import pages
from textflix_lib.site.pages import Labels


def review(rid, p_pos, gold=None, group=None, sentences=(), text=None, models=None):
    """A record with one model "m" (or several, ``models={name: p_pos}``) predicting by p_pos."""
    text = text or "One. Two. Three. Four."
    preds = {}
    for name, p in (models or {"m": p_pos}).items():
        preds[name] = {"label": "pos" if p > 0.5 else "neg", "probs": {"pos": p, "neg": 1 - p},
                       "sentences": [list(s) for s in sentences]}
    return {"id": rid, "text": text, "gold": gold, "group": group, "fields": {}, "predictions": preds}


def test_grouping_keeps_first_appearance_order_and_members():
    rs = [review("a", 0.9, group="tt2"), review("b", 0.1, group="tt1"), review("c", 0.7, group="tt2")]
    groups = pages.group_reviews(rs)
    assert [g.id for g in groups] == ["tt2", "tt1"]
    assert [[r["id"] for r in g.reviews] for g in groups] == [["a", "c"], ["b"]]
    assert not any(g.ungrouped for g in groups)


def test_no_groups_gives_one_collection_of_all_reviews():
    rs = [review(str(i), 0.6) for i in range(5)]
    groups = pages.group_reviews(rs)
    assert len(groups) == 1 and groups[0].id == "all" and groups[0].ungrouped
    assert [r["id"] for r in groups[0].reviews] == ["0", "1", "2", "3", "4"]


def test_reviews_without_a_group_among_grouped_ones_come_last_without_a_clash():
    rs = [review("a", 0.9, group=None), review("b", 0.1, group="none"), review("c", 0.2, group="tt1")]
    groups = pages.group_reviews(rs)
    assert [g.id for g in groups] == ["none", "tt1", "_none_"]
    assert groups[-1].ungrouped and [r["id"] for r in groups[-1].reviews] == ["a"]


def test_group_ids_are_strings():
    rs = [review("a", 0.9, group=7), review("b", 0.1, group="7")]
    assert [g.id for g in pages.group_reviews(rs)] == ["7"]


def test_highlight_is_the_strongest_sentence_toward_the_predicted_label():
    text = "Great. Awful. Superb. Dull."
    sentences = [(0, 6, 0.4), (7, 13, -0.9), (14, 21, 0.7), (22, 27, -0.2)]
    positive = review("p", 0.8, sentences=sentences, text=text)
    best = pages.highlight(positive, "m")
    assert (best["index"], best["text"], best["weight"]) == (2, "Superb.", 0.7)
    negative = review("n", 0.3, sentences=sentences, text=text)
    best = pages.highlight(negative, "m")
    assert (best["index"], best["text"], best["weight"]) == (1, "Awful.", 0.9)


def test_no_highlight_when_no_sentence_pushes_toward_the_label_or_there_are_none():
    against = review("p", 0.8, sentences=[(0, 4, -0.3), (5, 9, 0.0)])
    assert pages.highlight(against, "m") is None
    assert pages.highlight(review("e", 0.8, text="x", sentences=[]), "m") is None


def test_highlight_summary_splits_by_prediction_and_ranks_by_strength():
    text = "Aaa. Bbb."
    rs = [review("a", 0.9, sentences=[(0, 4, 0.2), (5, 9, -0.1)], text=text),
          review("b", 0.7, sentences=[(0, 4, 0.5)], text=text),
          review("c", 0.2, sentences=[(0, 4, -0.3), (5, 9, -0.6)], text=text),
          review("d", 0.4, sentences=[(0, 4, 0.3)], text=text)]  # negative, nothing toward it
    summary = pages.highlight_summary(rs, "m")
    assert [(h["position"], h["text"]) for h in summary["positive"]] == [(1, "Aaa."), (0, "Aaa.")]
    assert [(h["position"], h["text"], h["weight"]) for h in summary["negative"]] == [(2, "Bbb.", 0.6)]


def test_strip_order_positives_most_certain_first_then_negatives_least_certain_first():
    probs = [0.6, 0.1, 0.95, 0.45, 0.8, 0.3]
    rs = [review(str(i), p) for i, p in enumerate(probs)]
    assert pages.strip_order(rs, "m") == [2, 4, 0, 3, 5, 1]
    code = pages.strip_code(rs, "m")
    assert code.isalpha() and len(code) == 6
    assert code[:3].isupper() and code[3:].islower()
    # certainty levels (of 20): 0.95 -> 18 (S), 0.8 -> 12 (M), 0.6 -> 4 (E); 0.55 -> 2 (c), 0.7 -> 8 (i), 0.9 -> 16 (q)
    assert code == "SMEciq"


def test_strip_levels_span_the_certainty_range():
    assert pages.strip_level(0.5) == 0
    assert pages.strip_level(1.0) == pages.STRIP_LEVELS - 1
    assert pages.strip_level(0.75) == pages.STRIP_LEVELS // 2
    assert pages.strip_level(0.3) == 0  # a label that disagrees with its probabilities


def test_strip_order_on_real_predictions(site_data):
    records, models = site_data
    for m in (x["name"] for x in models):
        order = pages.strip_order(records, m)
        assert sorted(order) == list(range(len(records)))
        signs = [pages.predicted_positive(records[i], m) for i in order]
        k = sum(signs)
        assert signs == [True] * k + [False] * (len(records) - k)
        c = [pages.certainty(records[i], m) for i in order]
        assert c[:k] == sorted(c[:k], reverse=True) and c[k:] == sorted(c[k:])


def test_underlined_sentences_are_those_above_half_the_strongest():
    sentences = [(0, 1, 0.2), (1, 2, -1.0), (2, 3, 0.5), (3, 4, 0.51), (4, 5, -0.6)]
    assert pages.underlined(sentences) == [1, 3, 4]  # 0.5 exactly is not above
    assert pages.underlined([(0, 1, 0.0), (1, 2, 0.0)]) == []
    assert pages.underlined([]) == []


def test_accuracy_counts_only_labelled_reviews():
    rs = [review("a", 0.9, gold="pos"), review("b", 0.8, gold="neg"), review("c", 0.2, gold="neg"),
          review("d", 0.3, gold=None)]
    acc = pages.accuracy(rs, "m")
    assert (acc.correct, acc.wrong, acc.unlabelled, acc.labelled) == (2, 1, 1, 3)
    assert acc.percent == pytest.approx(200 / 3)
    assert pages.accuracy([review("x", 0.9)], "m").percent is None


def test_review_sorts():
    rs = [review("a", 0.6, gold="pos"), review("b", 0.1, gold="pos"), review("c", 0.95, gold="neg"),
          review("d", 0.3, gold=None), review("e", 0.8, gold="pos")]
    assert pages.sort_reviews(rs, "m", "order") == [0, 1, 2, 3, 4]
    assert pages.sort_reviews(rs, "m", "positive") == [2, 4, 0, 3, 1]
    assert pages.sort_reviews(rs, "m", "negative") == [1, 3, 0, 4, 2]
    # right: e (0.8), a (0.6); unlabelled d; wrong: b (certainty 0.9), c (0.95), least certain first
    assert pages.sort_reviews(rs, "m", "accurate") == [4, 0, 3, 1, 2]
    # wrong most certain first: c, b; unlabelled d; right least certain first: a, e
    assert pages.sort_reviews(rs, "m", "inaccurate") == [2, 1, 3, 0, 4]
    with pytest.raises(ValueError):
        pages.sort_reviews(rs, "m", "recent")


def test_title_sorts():
    def stats(n, positive, correct, wrong):
        return pages.TitleStats(n, positive, pages.Accuracy(correct, wrong, n - correct - wrong))

    s = [stats(10, 5, 8, 2), stats(20, 10, 10, 10), stats(4, 4, 0, 0), stats(20, 2, 19, 1)]
    assert pages.sort_titles(s, "reviews") == [1, 3, 0, 2]
    assert pages.sort_titles(s, "positive") == [2, 1, 0, 3]  # 100%, then 50% (20 before 10)
    assert pages.sort_titles(s, "negative") == [3, 1, 0, 2]
    assert pages.sort_titles(s, "accurate") == [3, 0, 1, 2]  # no labels last
    assert pages.sort_titles(s, "inaccurate") == [1, 0, 3, 2]


def test_disagreements_and_who_was_right():
    rs = [review("a", None, gold="pos", models={"x": 0.9, "y": 0.2}),
          review("b", None, gold="neg", models={"x": 0.9, "y": 0.2}),
          review("c", None, gold=None, models={"x": 0.1, "y": 0.7}),
          review("d", None, gold="pos", models={"x": 0.9, "y": 0.6})]
    found = pages.disagreements(rs, "x", "y")
    assert [(d.position, d.review["id"], d.right) for d in found] == [(0, "a", "x"), (1, "b", "y"), (2, "c", None)]
    assert pages.disagreements(rs, "x", "x") == []


def test_disagreements_on_real_models_match_labels(site_data):
    records, models = site_data
    a, b = (m["name"] for m in models)
    found = pages.disagreements(records, a, b)
    expected = [r["id"] for r in records if r["predictions"][a]["label"] != r["predictions"][b]["label"]]
    assert [d.review["id"] for d in found] == expected and expected  # the two models do disagree
    for d in found:
        assert d.right == (a if d.review["predictions"][a]["label"] == d.review["gold"] else b)


def test_other_label_names():
    labels = Labels("good", "bad")
    r = {"id": "a", "text": "x", "gold": "bad", "predictions": {"m": {"label": "good", "probs": {"good": 0.7, "bad": 0.3}}}}
    assert pages.predicted_positive(r, "m", labels) and pages.is_correct(r, "m", labels) is False
    with pytest.raises(ValueError):
        pages.predicted_positive(r, "m")  # "good" is not "pos"
