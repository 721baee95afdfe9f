import pytest

from textflix_lib.algorithms.lime import ExplainedReview

from textflix_lib.algorithms.lime.highlights import format_summary, highlight_summary


def review(label, sentences, movie, probability=0.9):
    segments = [{"text": t, "start": i, "end": i + len(t), "weight": w} for i, (t, w) in enumerate(sentences)]
    return ExplainedReview.from_json({"label": label, "probability": probability, "segments": segments,
                                      "movie_id": movie, "review_id": f"{movie}-{len(sentences)}"})


def test_one_highlight_per_review_pooled_by_group():
    explanations = [
        review("pos", [("Plot.", 0.01), ("Like a diamond, this movie shines.", 0.5)], "m1"),
        review("pos", [("A solid flick.", 0.2), ("Long.", -0.1)], "m1"),
        review("neg", [("The soundtrack is lame.", 0.3), ("Nice poster.", -0.2)], "m1"),
        review("neg", [("Nothing happens.", -0.01)], "m2"),  # no sentence pushes toward its label
        review("pos", [("Great.", 0.05)], "m2"),
    ]
    summary = highlight_summary(explanations, group_by="movie_id", max_highlights=1)
    m1 = summary["m1"]
    assert (m1["reviews"], m1["positive"], m1["percent_positive"]) == (3, 2, 66.7)
    assert m1["positive_highlights"]["count"] == 2
    assert [h["text"] for h in m1["positive_highlights"]["highlights"]] == ["Like a diamond, this movie shines."]
    assert m1["positive_highlights"]["highlights"][0]["review_id"] == "m1-2"
    assert m1["negative_highlights"]["highlights"][0]["text"] == "The soundtrack is lame."
    assert summary["m2"]["negative_highlights"]["count"] == 0 and summary["m2"]["positive"] == 1
    assert "2 positive review highlights" in format_summary(summary)
    assert list(highlight_summary(explanations)) == ["all"]
    with pytest.raises(KeyError, match="no 'title' field"):
        highlight_summary(explanations, group_by="title")
