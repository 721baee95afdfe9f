"""The site's precompute: sentence LIME from real archives, cached per (archive, review),
resumable, the same on Ray workers as in this process."""
import json

import pytest

from textflix_lib.site.precompute import (SiteModel, archive_config, cache_path, explained_precision, precompute,
                                          texts_by_digest)


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


def test_results_in_one_precision_are_not_reused_for_another(amp_archive, nbsvm_archive, texts, tmp_path,
                                                            monkeypatch):
    from textflix_lib.predictors.base import predictor_from_path

    mixed, plain = SiteModel("mpnet", amp_archive), SiteModel("nbsvm", str(nbsvm_archive))
    assert mixed.trained_in_mixed_precision() and not plain.trained_in_mixed_precision()
    some = dict(list(texts.items())[:2])
    monkeypatch.setenv("TEXTFLIX_CPU_AMP", "bfloat16")  # a CPU with bfloat16 units
    assert explained_precision(mixed, {}) == "bfloat16"
    assert explained_precision(mixed, {"mixed_precision": False}) == "float32"
    assert explained_precision(plain, {}) == "float32"
    precompute([mixed, plain], some, str(tmp_path), progress=False)
    in_bfloat16, plain_path = cache_path(str(tmp_path), mixed, {}), cache_path(str(tmp_path), plain, {})

    monkeypatch.setenv("TEXTFLIX_CPU_AMP", "float32")  # one without: the same archive computes in float32
    assert explained_precision(mixed, {}) == "float32"
    in_float32 = cache_path(str(tmp_path), mixed, {})
    assert in_float32 != in_bfloat16 and cache_path(str(tmp_path), plain, {}) == plain_path
    results = precompute([mixed], some, str(tmp_path), progress=False)["mpnet"]
    assert len(_lines(in_float32)) == len(some) and len(_lines(in_bfloat16)) == len(some)
    predictor = predictor_from_path(amp_archive, "sentence_lime")
    assert predictor.mixed_precision is True  # asked for, but computes in float32 here
    for digest, text in some.items():
        assert results[digest]["probs"] == pytest.approx(predictor.predict(text)["probs"], abs=1e-4)


def test_archive_config_names_what_is_not_an_archive(nbsvm_archive, tmp_path):
    assert archive_config(str(nbsvm_archive))["model"]["type"] == "nbsvm"
    notes = tmp_path / "notes.txt"
    notes.write_text("not an archive")
    with pytest.raises(ValueError, match="notes.txt: not a readable AllenNLP model archive"):
        archive_config(str(notes))
    empty = tmp_path / "empty.tar.gz"
    import tarfile

    with tarfile.open(empty, "w:gz"):
        pass
    with pytest.raises(ValueError, match="empty.tar.gz: no config.json"):
        archive_config(str(empty))


@pytest.mark.slow
def test_ray_workers_give_the_same_results(nbsvm_archive, texts, tmp_path):
    model = SiteModel("nbsvm", str(nbsvm_archive))
    local = precompute([model], texts, str(tmp_path / "local"), progress=False)
    on_ray = precompute([model], texts, str(tmp_path / "ray"), workers=2, chunk_size=4, progress=False)
    assert on_ray == local
