"""The site's precompute: sentence LIME from real archives, cached per (archive, review),
resumable, the same on Ray workers as in this process."""
import json

import pytest

from textflix_lib.site.precompute import SiteModel, cache_path, precompute, texts_by_digest


@pytest.fixture(scope="module")
def texts(few_reviews):
    return texts_by_digest(r.text for r in few_reviews[:12])


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_results_match_the_sentence_lime_predictor(nbsvm_archive, texts, tmp_path):
    from allennlp.predictors import Predictor

    model = SiteModel("nbsvm", str(nbsvm_archive))
    results = precompute([model], texts, str(tmp_path), progress=False)["nbsvm"]
    predictor = Predictor.from_path(str(nbsvm_archive), "sentence_lime")
    for digest, text in list(texts.items())[:4]:
        expected = predictor.predict(text)
        got = results[digest]
        assert got["label"] == expected["label"]
        assert got["probs"] == pytest.approx(expected["probs"], abs=1e-4)
        assert [s[:2] for s in got["sentences"]] == [[s["start"], s["end"]] for s in expected["segments"]]
        assert [s[2] for s in got["sentences"]] == pytest.approx(
            [s["positive_weight"] for s in expected["segments"]], rel=1e-3, abs=1e-6)


def test_a_rerun_computes_nothing_and_a_new_model_only_its_own(nbsvm_archive, second_archive, texts, tmp_path):
    first = SiteModel("nbsvm", str(nbsvm_archive))
    results = precompute([first], texts, str(tmp_path), progress=False)
    cached = cache_path(str(tmp_path), first, {})
    assert len(_lines(cached)) == len(texts)
    before = cached.read_bytes()
    again = precompute([first], texts, str(tmp_path), progress=False)
    assert again == results and cached.read_bytes() == before  # nothing recomputed or rewritten
    second = SiteModel("logreg", str(second_archive))
    both = precompute([first, second], texts, str(tmp_path), progress=False)
    assert cached.read_bytes() == before
    assert len(_lines(cache_path(str(tmp_path), second, {}))) == len(texts)
    assert both["nbsvm"] == results["nbsvm"]
    # other explanation settings are other results
    precompute([first], dict(list(texts.items())[:2]), str(tmp_path), progress=False,
               predictor_args={"num_samples": 32})
    assert len(_lines(cache_path(str(tmp_path), first, {"num_samples": 32}))) == 2


def test_a_torn_last_line_is_dropped_and_redone(nbsvm_archive, texts, tmp_path):
    model = SiteModel("nbsvm", str(nbsvm_archive))
    some = dict(list(texts.items())[:3])
    precompute([model], some, str(tmp_path), progress=False)
    path = cache_path(str(tmp_path), model, {})
    whole = path.read_text()
    path.write_text(whole[: len(whole) - 25])  # a kill in the middle of the last write
    results = precompute([model], some, str(tmp_path), progress=False)
    lines = _lines(path)
    assert len(lines) == 3 and {r["digest"] for r in lines} == set(some)
    assert all(results["nbsvm"][d] is not None for d in some)


@pytest.mark.slow
def test_ray_workers_give_the_same_results(nbsvm_archive, texts, tmp_path):
    model = SiteModel("nbsvm", str(nbsvm_archive))
    local = precompute([model], texts, str(tmp_path / "local"), progress=False)
    on_ray = precompute([model], texts, str(tmp_path / "ray"), workers=2, chunk_size=4, progress=False)
    assert on_ray == local
