"""`allennlp highlights`, parsed by its own argument parser and run in this process, on the
sentence explanations `allennlp predict --predictor sentence_lime` writes (NB-SVM trained on
real reviews: the `nbsvm_archive` fixture) and on sp-lime's cache of them."""
import argparse
import json

import pytest
from allennlp.predictors import Predictor

from textflix_lib.commands.highlights import Highlights
from textflix_lib.commands.sp_lime import SpLime
from textflix_lib.data.errors import DataFormatError


def run(command, *argv):
    parser = argparse.ArgumentParser(prog="allennlp")
    command.add_subparser(parser.add_subparsers())
    args = parser.parse_args([command.name, *argv])
    return args.func(args)


@pytest.fixture(scope="module")
def reviews_with_movies(tmp_path_factory, few_reviews):
    path = tmp_path_factory.mktemp("highlights") / "reviews.jsonl"
    with open(path, "w") as handle:
        for i, review in enumerate(few_reviews[:8]):
            handle.write(json.dumps({"text": review.text, "review_id": f"r{i}", "movie_id": f"m{i % 2}"}) + "\n")
    return path


@pytest.fixture(scope="module")
def explanations(nbsvm_archive, reviews_with_movies):
    """The lines `allennlp predict --predictor sentence_lime` writes for the 8 reviews."""
    predictor = Predictor.from_path(str(nbsvm_archive), "sentence_lime", num_samples=64)
    path = reviews_with_movies.with_name("explanations.jsonl")
    with open(path, "w") as handle:
        for line in reviews_with_movies.read_text().splitlines():
            handle.write(predictor.dump_line(predictor.predict_json(predictor.load_line(line))))
    return path


def test_groups_and_ranks_the_strongest_sentence_of_each_review(explanations, tmp_path, capsys):
    summary_file = tmp_path / "out" / "highlights.json"
    summary = run(Highlights(), str(explanations), "--group-by", "movie_id", "--output-file", str(summary_file))
    assert set(summary) == {"m0", "m1"} and sum(g["reviews"] for g in summary.values()) == 8
    assert json.loads(summary_file.read_text()) == summary
    lines = [json.loads(line) for line in explanations.read_text().splitlines()]
    for movie, group in summary.items():
        explained = [e for e in lines if e["movie_id"] == movie]
        assert group["positive"] == sum(e["label"] == "pos" for e in explained)
        for kind, label in (("positive", "pos"), ("negative", "neg")):
            block = group[f"{kind}_highlights"]
            weights = [h["weight"] for h in block["highlights"]]
            assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)
            for highlight in block["highlights"]:
                source = next(e for e in explained if e["review_id"] == highlight["review_id"])
                assert highlight["movie_id"] == movie and source["label"] == label
                # the review's own strongest segment, with its offsets into the review
                best = max(source["segments"], key=lambda s: s["weight"])
                assert (highlight["text"], highlight["weight"]) == (best["text"], best["weight"])
    printed = capsys.readouterr().out
    assert "m0: 4 reviews" in printed and f"wrote {summary_file}" in printed


def test_options_cut_the_lists(explanations, tmp_path):
    everything = run(Highlights(), str(explanations), "--output-file", str(tmp_path / "all.json"))["all"]
    assert everything["reviews"] == 8
    one = run(Highlights(), str(explanations), "--max-highlights", "1", "--output-file", str(tmp_path / "one.json"))["all"]
    for kind in ("positive", "negative"):
        assert one[f"{kind}_highlights"]["count"] == everything[f"{kind}_highlights"]["count"]
        assert one[f"{kind}_highlights"]["highlights"] == everything[f"{kind}_highlights"]["highlights"][:1]
    strict = run(Highlights(), str(explanations), "--min-weight", "1e9", "--output-file", str(tmp_path / "none.json"))["all"]
    assert strict["positive_highlights"]["count"] == strict["negative_highlights"]["count"] == 0


def test_reads_the_explanations_sp_lime_caches(nbsvm_archive, reviews_with_movies, explanations, tmp_path):
    output = tmp_path / "picks.json"
    run(SpLime(), str(nbsvm_archive), str(reviews_with_movies), "--budget", "2", "--output-file", str(output),
        "--predictor-args", '{"num_samples": 64}')
    cached = run(Highlights(), str(output.with_suffix(".explanations.jsonl")), "--group-by", "movie_id",
                 "--output-file", str(tmp_path / "from_cache.json"))
    assert cached == run(Highlights(), str(explanations), "--group-by", "movie_id",
                         "--output-file", str(tmp_path / "from_predict.json"))


def test_bad_input_names_file_and_line(explanations, tmp_path):
    not_explanations = tmp_path / "explanations.jsonl"
    not_explanations.write_text('{"label": "pos"}\n')
    with pytest.raises(DataFormatError, match=r"line 1: explanation is missing \['probability', 'segments'\]"):
        run(Highlights(), str(not_explanations), "--output-file", str(tmp_path / "h.json"))
    with pytest.raises(DataFormatError, match=r"explanations.jsonl, line 1: no 'author' field to group by"):
        run(Highlights(), str(explanations), "--group-by", "author", "--output-file", str(tmp_path / "h.json"))
