"""`allennlp sp-lime`, parsed by its own argument parser and run in this process (the command
line's start-up is tested once, in test_sentence_lime.py; `allennlp highlights` reading the
explanations sp-lime caches: test_highlights.py)."""
import argparse
import json

import pytest

from textflix_lib.commands.sp_lime import SpLime
from textflix_lib.data.errors import DataFormatError


def run(command, *argv):
    parser = argparse.ArgumentParser(prog="allennlp")
    command.add_subparser(parser.add_subparsers())
    args = parser.parse_args([command.name, *argv])
    return args.func(args)


@pytest.fixture(scope="module")
def reviews_with_movies(tmp_path_factory, few_reviews):
    path = tmp_path_factory.mktemp("sp") / "reviews.jsonl"
    with open(path, "w") as handle:
        for i, review in enumerate(few_reviews[:8]):
            handle.write(json.dumps({"text": review.text, "review_id": f"r{i}", "movie_id": f"m{i % 2}"}) + "\n")
    return path


def test_sp_lime_picks_and_resumes(nbsvm_archive, reviews_with_movies, tmp_path, capsys):
    output = tmp_path / "picks.json"
    args = (str(nbsvm_archive), str(reviews_with_movies), "--budget", "3", "--output-file", str(output),
            "--predictor-args", '{"num_samples": 64}')
    result = run(SpLime(), *args)
    printed = capsys.readouterr().out
    assert "SP-LIME: 3 of 8 reviews" in printed and "covers:" in printed
    written = json.loads(output.read_text())
    assert [p["index"] for p in written["picked"]] == [p["index"] for p in result["picked"]]
    assert len({p["index"] for p in written["picked"]}) == 3
    gains = [p["gain"] for p in written["picked"]]
    assert gains == sorted(gains, reverse=True)  # greedy on a submodular function
    assert all(p["explanation"]["review_id"] == f"r{p['index']}" for p in written["picked"])
    cache = output.with_suffix(".explanations.jsonl")
    assert len(cache.read_text().splitlines()) == 8
    # a rerun reuses every explanation: the cache does not grow, the pick is the same
    again = run(SpLime(), *args)
    assert len(cache.read_text().splitlines()) == 8
    assert [p["index"] for p in again["picked"]] == [p["index"] for p in result["picked"]]


def test_bad_input_names_file_and_line(nbsvm_archive, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n\n{"txt": "oops"}\n')
    with pytest.raises(DataFormatError, match=r"bad.jsonl, line 3: .*'text'"):
        run(SpLime(), str(nbsvm_archive), str(bad), "--output-file", str(tmp_path / "o.json"))
