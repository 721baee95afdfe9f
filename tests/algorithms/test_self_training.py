"""Self-training on the unlabelled pool (issue 10): the algorithm, the `imdb_pool` reader and
the `self_training_nbsvm` model on a few dozen real reviews."""
import json

import numpy as np
import pytest
import scipy.sparse as sp

from textflix_lib.algorithms.self_training import (
    EnsembleLearner,
    LogRegLearner,
    NBSVMLearner,
    select_confident,
    self_train,
)
from textflix_lib.data.imdb import balanced_sample


def test_select_confident_takes_the_extremes_half_from_each_class():
    p = np.array([0.9, 0.1, 0.6, 0.4, 0.99, 0.01, 0.5, 0.7])
    rows, labels = select_confident(p, 4)
    assert rows.tolist() == [0, 1, 4, 5]
    assert labels.tolist() == [1, 0, 1, 0]
    rows, labels = select_confident(p, 100)  # everything, each row once
    assert sorted(rows.tolist()) == list(range(8))
    assert labels.sum() == 4


def _features(reviews):
    from sklearn.feature_extraction.text import CountVectorizer

    from textflix_lib.algorithms.text_features import NgramAnalyzer

    vectorizer = CountVectorizer(analyzer=NgramAnalyzer(), binary=True)
    return vectorizer, vectorizer.fit_transform([r.text for r in reviews]).tocsr()


def test_self_training_is_deterministic_and_uses_only_the_pool(split):
    reviews = balanced_sample(split.test, 120, seed=3)
    y_all = np.array([r.label == "pos" for r in reviews], dtype=int)
    _, X = _features(reviews)
    gold, pool = np.arange(20), np.arange(20, 120)
    seen = []

    def run():
        rounds = []
        model = self_train(lambda: NBSVMLearner(seed=0), (X[gold],), y_all[gold], (X[pool],), (0.5, 1.0),
                           callback=lambda r, m, rows, pseudo: rounds.append((rows.copy(), pseudo.copy())))
        seen.append(rounds)
        return model.predict_proba(X[pool])

    first, second = run(), run()
    assert np.array_equal(first, second)
    for (rows_a, pseudo_a), (rows_b, pseudo_b) in zip(*seen):
        assert np.array_equal(rows_a, rows_b) and np.array_equal(pseudo_a, pseudo_b)
    assert [len(rows) for rows, _ in seen[0]] == [0, 50, 100]
    assert all(rows.max(initial=-1) < len(pool) for rows, _ in seen[0])  # pool rows only


def test_a_teacher_prior_steers_the_pseudo_labels(split):
    """An external teacher's log-odds are added to each round's ranking: a strong prior that
    knows the hidden labels makes every pseudo-label right; a zero prior changes nothing."""
    reviews = balanced_sample(split.test, 120, seed=4)
    y_all = np.array([r.label == "pos" for r in reviews], dtype=int)
    _, X = _features(reviews)
    gold, pool = np.arange(20), np.arange(20, 120)

    def pseudo_labels(prior, weight=1.0):
        _, rows, pseudo = self_train(lambda: NBSVMLearner(seed=0), (X[gold],), y_all[gold], (X[pool],), (1.0,),
                                     return_pseudo=True, prior=prior, prior_weight=weight)
        labels = np.full(len(pool), -1)
        labels[rows] = pseudo
        return labels

    alone = pseudo_labels(None)
    assert np.array_equal(pseudo_labels(np.zeros(len(pool))), alone)
    assert (alone != y_all[pool]).any()  # the gold-only teacher errs on some reviews
    oracle = np.where(y_all[pool] == 1, 20.0, -20.0)
    assert np.array_equal(pseudo_labels(oracle), y_all[pool])
    assert np.array_equal(pseudo_labels(oracle, weight=0.0), alone)
    with pytest.raises(ValueError, match="one log-odds per pool row"):
        pseudo_labels(np.zeros(len(pool) - 1))
    with pytest.raises(ValueError, match="finite"):
        pseudo_labels(np.full(len(pool), np.nan))


def test_ensemble_averages_member_log_odds():
    rng = np.random.default_rng(0)
    dense = rng.normal(size=(60, 5))
    y = (dense[:, 0] > 0).astype(int)
    noise = (rng.random((60, 30)) < 0.2).astype(float)
    noise[:, 0] = y
    binary = sp.csr_matrix(noise)
    ensemble = EnsembleLearner([(0, NBSVMLearner()), (1, LogRegLearner(C=1.0))]).fit((binary, dense), y)
    p = ensemble.predict_proba((binary, dense))
    a, b = ensemble.member_probas((binary, dense))
    logit = lambda q: np.log(np.clip(q, 1e-6, 1 - 1e-6)) - np.log1p(-np.clip(q, 1e-6, 1 - 1e-6))  # noqa: E731
    assert np.allclose(logit(p), (logit(a) + logit(b)) / 2, atol=1e-4)
    assert ((p > 0.5) == y).mean() > 0.9


@pytest.fixture(scope="module")
def pool_files(tmp_path_factory, split):
    """A training file of 60 real reviews (12 become the labelled sample) and a validation file."""
    folder = tmp_path_factory.mktemp("pool")
    train = balanced_sample(split.train, 60, seed=5)
    validation = balanced_sample(split.validation, 40, seed=5)
    for name, reviews in (("train", train), ("validation", validation)):
        with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as handle:
            for r in reviews:
                handle.write(json.dumps({"text": r.text, "label": r.label, "review_id": r.metadata["review_id"]}) + "\n")
    return folder


def test_pool_reader_hides_labels_and_excludes_validation_and_test(split):
    from textflix_lib.dataset_readers.imdb_pool import ImdbPoolReader

    reader = ImdbPoolReader(train_size=100, seed=2, include_metadata=True)
    instances = list(reader.read("train"))
    assert len(instances) == len(split.train)
    gold = [i["gold"].metadata for i in instances]
    assert sum(g is not None for g in gold) == 100
    assert all("label" not in i.fields for i in instances)
    ids = {i["metadata"]["review_id"] for i in instances}
    held_out = {r.metadata["review_id"] for r in split.validation + split.test}
    assert not ids & held_out
    sample = {r.metadata["review_id"] for r in balanced_sample(split.train, 100, 2)}
    labelled = {i["metadata"]["review_id"] for i, g in zip(instances, gold) if g is not None}
    assert labelled == sample
    # validation is read as the imdb reader reads it, with labels
    assert all("label" in i.fields and "gold" not in i.fields for i in reader.read("validation"))


def test_archive_round_trips_through_evaluate(tmp_path, pool_files):
    """`allennlp train` of configs/self_training.jsonnet on 12 labelled + 48 unlabelled reviews;
    the archive scores the validation file as the training run did."""
    import textflix_lib  # noqa: F401  registers the components
    from allennlp.data.data_loaders import SimpleDataLoader
    from allennlp.models.archival import load_archive
    from allennlp.training.util import evaluate

    from helpers import train_config

    archive_path = train_config(
        "self_training.jsonnet",
        tmp_path / "run",
        {
            "train_data_path": str(pool_files / "train.jsonl"),
            "validation_data_path": str(pool_files / "validation.jsonl"),
            "dataset_reader.train_size": 12,
            "vocabulary.min_count": {"tokens": 1},
            "model.fractions": [0.5, 1.0],
        },
    )
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["training_pseudo_labelled"] == 48 and metrics["training_gold_reviews"] == 12
    archive = load_archive(str(archive_path))
    instances = list(archive.dataset_reader.read(str(pool_files / "validation.jsonl")))
    assert len(instances) == 40 and all("gold" not in i.fields for i in instances)
    loader = SimpleDataLoader(instances, batch_size=16, vocab=archive.model.vocab)
    scored = evaluate(archive.model, loader)
    assert scored["accuracy"] == pytest.approx(metrics["validation_accuracy"])


def test_a_teacher_archive_labels_the_pool_through_a_resumable_cache(tmp_path, pool_files, nbsvm_archive):
    """`model.teacher`: another archive scores the 48 unlabelled reviews once (cached by the
    archive's content); with a large weight it decides the pseudo-labels, with weight 0 it
    decides nothing beyond its share; an interrupted cache (a torn last line) is completed, not redone."""
    import textflix_lib  # noqa: F401

    from helpers import train_config

    cache = tmp_path / "cache"
    teacher = tmp_path / "teacher.tar.gz"
    teacher.write_bytes(nbsvm_archive.read_bytes() if hasattr(nbsvm_archive, "read_bytes") else open(nbsvm_archive, "rb").read())

    def train(name, weight):
        train_config("self_training.jsonnet", tmp_path / name, {
            "train_data_path": str(pool_files / "train.jsonl"),
            "validation_data_path": str(pool_files / "validation.jsonl"),
            "dataset_reader.train_size": 12,
            "vocabulary.min_count": {"tokens": 1},
            "model.fractions": [0.5, 1.0],
            "model.teacher": str(teacher),
            "model.teacher_weight": weight,
            "model.teacher_cache_dir": str(cache),
            # the NB-SVM teacher learned from 300 reviews of the embedded split, not from this
            # run's sample: used knowingly here (the check itself is tested below)
            "model.check_teacher_sample": False,
        })
        return json.loads((tmp_path / name / "metrics.json").read_text())

    decided = train("heavy", 1000.0)
    [cache_file] = cache.glob("*.jsonl")
    lines = cache_file.read_text().splitlines()
    assert len(lines) == 48 and all(0.0 <= json.loads(line)["p_positive"] <= 1.0 for line in lines)
    # the teacher ranks the pool; the balanced selection labels its top half positive, so the
    # pseudo-labels follow the teacher except where its own labels are unbalanced
    teacher_positive = sum(json.loads(line)["p_positive"] > 0.5 for line in lines)
    assert decided["training_pseudo_labelled"] == 48
    assert decided["training_teacher_agreement"] == pytest.approx(1 - abs(teacher_positive - 24) / 48)

    cache_file.write_text("\n".join(lines[:20]) + "\n" + lines[20][:15])  # killed while writing line 21
    ignored = train("ignored", 0.0)
    resumed = cache_file.read_text().splitlines()
    assert resumed[:20] == lines[:20] and len(resumed) == 48  # the 20 kept, the torn one redone
    before = {r["text_sha1"]: r["p_positive"] for r in map(json.loads, lines)}
    after = {r["text_sha1"]: r["p_positive"] for r in map(json.loads, resumed)}
    assert after.keys() == before.keys()
    # the same scores, up to float32 sums over other batch compositions
    assert all(after[k] == pytest.approx(before[k], abs=1e-5) for k in before)
    alone = train_config("self_training.jsonnet", tmp_path / "alone", {
        "train_data_path": str(pool_files / "train.jsonl"),
        "validation_data_path": str(pool_files / "validation.jsonl"),
        "dataset_reader.train_size": 12,
        "vocabulary.min_count": {"tokens": 1},
        "model.fractions": [0.5, 1.0],
    })
    assert alone.exists()
    without = json.loads((tmp_path / "alone" / "metrics.json").read_text())
    assert ignored["validation_accuracy"] == without["validation_accuracy"]
    assert ignored["training_teacher_agreement"] < 1.0

    # the student's archive needs no teacher once trained: it loads and predicts without it
    from allennlp.models.archival import load_archive
    from allennlp.predictors import Predictor

    teacher.unlink()
    student = Predictor.from_archive(load_archive(str(tmp_path / "heavy" / "model.tar.gz")), "sentiment")
    assert student.predict_json({"text": "A wonderful, moving film."})["label"] in ("neg", "pos")


def test_gold_calibration_rescales_without_moving_the_decision(split):
    from textflix_lib.algorithms.nbsvm import NBSVM
    from textflix_lib.algorithms.self_training import gold_calibration

    reviews = balanced_sample(split.test, 120, seed=4)
    y_all = np.array([r.label == "pos" for r in reviews], dtype=int)
    _, X = _features(reviews)
    make = lambda: NBSVM(C=0.1, calibration_folds=0)  # noqa: E731
    slope, offset = gold_calibration(make, X[:40], y_all[:40], X[40:], y_all[40:], base=(2.0, -0.5), folds=3, seed=0)
    assert slope > 0 and offset / slope == pytest.approx(-0.25)  # same threshold, other confidence
    # pseudo-labels that are all wrong: the gold margins point the wrong way, no positive k
    assert gold_calibration(make, X[:40], y_all[:40], X[40:], 1 - y_all[40:], folds=3, seed=0) is None
    assert gold_calibration(make, X[:3], np.array([0, 1, 1]), X[40:], y_all[40:], folds=3) is None


@pytest.fixture(scope="module")
def tiny_teacher(tmp_path_factory, tiny_bert, pool_files):
    """configs/bert.jsonnet with the tiny BERT (random weights, local), trained 2 epochs on the
    12 labelled reviews of `pool_files` (the same sample the student's reader draws)."""
    import textflix_lib  # noqa: F401
    from allennlp.commands.train import train_model_from_file

    from helpers import config_with

    directory = tmp_path_factory.mktemp("tiny_teacher")
    config = config_with("bert.jsonnet", str(tiny_bert))
    config.update(train_data_path=str(pool_files / "train.jsonl"), validation_data_path=str(pool_files / "validation.jsonl"))
    config["dataset_reader"]["train_size"] = 12
    config["dataset_reader"]["tokenizer"].update(head_tokens=12, tail_tokens=20)
    config["data_loader"]["batch_sampler"]["batch_size"] = 8
    config["trainer"]["num_epochs"] = 2
    (directory / "config.json").write_text(json.dumps(config))
    train_model_from_file(str(directory / "config.json"), str(directory / "run"), force=True)
    return directory / "run" / "model.tar.gz"


def test_a_teacher_trained_and_scoring_in_mixed_precision_on_the_cpu(tmp_path, tiny_bert, pool_files, tiny_teacher):
    """`trainer.use_amp` on a CPU trains a transformer teacher (bfloat16 forward passes,
    float32 weights); `mixed_precision` scores with a teacher in bfloat16 (its linear layers see
    bfloat16), close to float32's scores, cached apart from them."""
    import torch

    import textflix_lib  # noqa: F401
    from allennlp.commands.train import train_model_from_file

    from helpers import config_with
    from textflix_lib.models.teacher import ArchivedTeacher, teacher_log_odds

    config = config_with("bert.jsonnet", str(tiny_bert))
    config.update(train_data_path=str(pool_files / "train.jsonl"), validation_data_path=str(pool_files / "validation.jsonl"))
    config["dataset_reader"]["train_size"] = 12
    config["dataset_reader"]["tokenizer"].update(head_tokens=12, tail_tokens=20)
    config["data_loader"]["batch_sampler"]["batch_size"] = 8
    config["trainer"].update(num_epochs=1, use_amp=True)
    (tmp_path / "config.json").write_text(json.dumps(config))
    model = train_model_from_file(str(tmp_path / "config.json"), str(tmp_path / "amp_run"), force=True)
    assert all(p.dtype == torch.float32 for p in model.parameters())
    metrics = json.loads((tmp_path / "amp_run" / "metrics.json").read_text())
    assert np.isfinite(metrics["training_loss"]) and 0.0 <= metrics["validation_accuracy"] <= 1.0

    texts = [json.loads(line)["text"] for line in open(pool_files / "validation.jsonl")][:16]
    seen = []
    for mixed in (False, True):
        teacher = ArchivedTeacher(str(tiny_teacher), "pos", batch_size=8, mixed_precision=mixed)
        linear = next(m for m in teacher.model.modules() if isinstance(m, torch.nn.Linear))
        linear.register_forward_hook(lambda module, args, output: seen.append((mixed, output.dtype)))
        teacher.p_positive(texts)
    assert {dtype for mixed, dtype in seen if not mixed} == {torch.float32}
    assert {dtype for mixed, dtype in seen if mixed} == {torch.bfloat16}

    cache = tmp_path / "cache"
    full = teacher_log_odds(str(tiny_teacher), texts, "pos", cache_dir=str(cache), progress=False)
    mixed = teacher_log_odds(str(tiny_teacher), texts, "pos", cache_dir=str(cache), progress=False, mixed_precision=True)
    names = sorted(path.name for path in cache.iterdir())
    assert len(names) == 2 and names[0].endswith(".jsonl") and names[1] == names[0].replace(".jsonl", ".mixed.jsonl")
    assert not np.array_equal(full, mixed)  # bfloat16 rounds: other numbers, kept apart
    p_full, p_mixed = 1 / (1 + np.exp(-full)), 1 / (1 + np.exp(-mixed))
    assert np.abs(p_full - p_mixed).max() < 0.05


def test_the_teacher_predicts_beside_the_student_from_inside_the_archive(tmp_path, pool_files, tiny_teacher):
    """`prediction_teacher_weight`: the archive carries a copy of the teacher (a tiny
    transformer with its own word-piece reader) and predicts with the weighted mean of the two
    log-odds, after the original teacher file is gone: through `evaluate` (the pair's,
    the student's and the teacher's accuracy), the `sentiment` and the `sentence_lime` predictors.
    The teacher reads each review through the windows the config names (here, scaled to the
    tiny teacher's 12 + 20 word pieces: the first 32 and the last 32)."""
    import shutil
    import tarfile

    import textflix_lib  # noqa: F401
    from allennlp.common.checks import ConfigurationError
    from allennlp.data.data_loaders import SimpleDataLoader
    from allennlp.models.archival import load_archive
    from allennlp.predictors import Predictor
    from allennlp.training.util import evaluate

    from helpers import train_config
    from textflix_lib.models.teacher import ArchivedTeacher

    teacher = tmp_path / "teacher.tar.gz"
    shutil.copyfile(tiny_teacher, teacher)
    overrides = {
        "train_data_path": str(pool_files / "train.jsonl"),
        "validation_data_path": str(pool_files / "validation.jsonl"),
        "dataset_reader.train_size": 12,
        "vocabulary.min_count": {"tokens": 1},
        "model.fractions": [0.5, 1.0],
        "model.teacher": str(teacher),
        "model.teacher_cache_dir": str(tmp_path / "cache"),
        "model.prediction_teacher_weight": 0.5,
        "model.prediction_teacher_windows": [[32, 0], [0, 32]],
    }
    # a teacher trained on labels outside the student's sample is refused (here: another seed,
    # so its 12 labelled reviews are not the student's 12)
    with pytest.raises(ConfigurationError, match="seed: teacher 0, student 1"):
        train_config("self_training_teacher.jsonnet", tmp_path / "other_sample", {**overrides, "dataset_reader.seed": 1})
    with pytest.raises(ConfigurationError, match="train_size: the teacher learned from 12 .* has 6"):
        train_config("self_training_teacher.jsonnet", tmp_path / "smaller", {**overrides, "dataset_reader.train_size": 6})
    # a config that would not archive the teacher is refused before anything is fitted
    with pytest.raises(ConfigurationError, match="include_in_archive"):
        train_config("self_training.jsonnet", tmp_path / "refused", overrides)
    with pytest.raises(ConfigurationError, match="needs a teacher"):
        train_config("self_training_teacher.jsonnet", tmp_path / "no_teacher", {**overrides, "model.teacher": None})

    archive_path = train_config("self_training_teacher.jsonnet", tmp_path / "run", overrides)
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    with tarfile.open(archive_path) as tar:
        assert "teacher/model.tar.gz" in tar.getnames()
    validation = [json.loads(line) for line in open(pool_files / "validation.jsonl")]
    texts = [r["text"] for r in validation]
    expected_teacher = ArchivedTeacher(str(teacher), "pos", windows=[[32, 0], [0, 32]]).log_odds(texts)
    teacher.unlink()

    archive = load_archive(str(archive_path))
    instances = list(archive.dataset_reader.read(str(pool_files / "validation.jsonl")))
    scored = evaluate(archive.model, SimpleDataLoader(instances, batch_size=16, vocab=archive.model.vocab))
    assert scored["accuracy"] == pytest.approx(metrics["validation_accuracy"])
    gold = np.array([r["label"] == "pos" for r in validation])
    assert scored["teacher_accuracy"] == pytest.approx(float(np.mean((expected_teacher > 0) == gold)))
    assert 0.0 <= scored["student_accuracy"] <= 1.0

    outputs = archive.model.forward_on_instances(instances)
    positive = archive.model.vocab.get_token_index("pos", "labels")

    def logit(probs):
        return np.log(probs[positive]) - np.log(probs[1 - positive])

    combined = np.array([logit(o["probs"]) for o in outputs])
    student = np.array([logit(o["student_probs"]) for o in outputs])
    teacher_log_odds = np.array([logit(o["teacher_probs"]) for o in outputs])
    np.testing.assert_allclose(teacher_log_odds, expected_teacher, atol=1e-3)
    np.testing.assert_allclose(combined, (student + 0.5 * teacher_log_odds) / 1.5, atol=1e-4)
    assert not np.allclose(combined, student, atol=1e-3)  # the teacher moved every review's score

    sentiment = Predictor.from_archive(archive, "sentiment")
    result = sentiment.predict_json({"text": texts[0]})
    assert result["probs"]["pos"] == pytest.approx(float(outputs[0]["probs"][positive]), abs=1e-5)
    explained = Predictor.from_archive(archive, "sentence_lime").predict(texts[0])
    assert explained["probs"]["pos"] == pytest.approx(result["probs"]["pos"], abs=1e-5)
    assert explained["segments"] and all("weight" in s for s in explained["segments"])


def test_the_prediction_teacher_averages_windows_of_a_long_review(tmp_path, pool_files, tiny_teacher, nbsvm_archive):
    """`ArchivedTeacher(windows=...)`: the log-odds are the mean over the trained window
    (head 12 + tail 20 word pieces) and each other window, each as the archive scores it when
    its reader is set to that window; a review that fits every window keeps its one score."""
    import textflix_lib  # noqa: F401
    from allennlp.common.checks import ConfigurationError
    from allennlp.models.archival import load_archive

    from helpers import train_config
    from textflix_lib.models.teacher import ArchivedTeacher
    from textflix_lib.predictors.scoring import label_names, probability_function

    texts = [json.loads(line)["text"] for line in open(pool_files / "validation.jsonl")][:12]
    texts.append("A fine film.")  # shorter than every window

    def alone(head, tail):
        loaded = load_archive(str(tiny_teacher), overrides=json.dumps(
            {"dataset_reader.tokenizer.head_tokens": head, "dataset_reader.tokenizer.tail_tokens": tail}))
        loaded.model.eval()
        column = label_names(loaded.model).index("pos")
        p = np.concatenate([probability_function(loaded.model, loaded.validation_dataset_reader)([t])[:, column]
                            for t in texts])
        return np.log(p) - np.log1p(-p)

    views = [alone(12, 20), alone(32, 0), alone(0, 32)]
    assert not np.allclose(views[0], views[1], atol=1e-4)  # the long reviews read differently
    windowed = ArchivedTeacher(str(tiny_teacher), "pos", batch_size=4, windows=[[32, 0], [0, 32]])
    np.testing.assert_allclose(windowed.window_log_odds(texts), np.stack(views), atol=1e-4)
    np.testing.assert_allclose(windowed.log_odds(texts), np.mean(views, axis=0), atol=1e-4)
    assert windowed.trained_window == [12, 20]
    np.testing.assert_allclose(windowed.log_odds(texts[-1:]), views[0][-1:], atol=1e-4)
    np.testing.assert_allclose(ArchivedTeacher(str(tiny_teacher), "pos").log_odds(texts), views[0], atol=1e-4)

    with pytest.raises(ConfigurationError, match="head_tokens, tail_tokens"):
        ArchivedTeacher(str(tiny_teacher), "pos", windows=[[32, 0, 1]])
    # a teacher that reads whole reviews (NB-SVM's n-grams) has no windows: they are ignored
    np.testing.assert_allclose(ArchivedTeacher(str(nbsvm_archive), "pos", windows=[[32, 0]]).log_odds(texts),
                               ArchivedTeacher(str(nbsvm_archive), "pos").log_odds(texts))
    overrides = {"train_data_path": str(pool_files / "train.jsonl"),
                 "validation_data_path": str(pool_files / "validation.jsonl"),
                 "dataset_reader.train_size": 12, "model.teacher": str(tiny_teacher),
                 "model.prediction_teacher_weight": 0.0, "model.prediction_teacher_windows": [[32, 0]]}
    with pytest.raises(ConfigurationError, match="prediction_teacher_weight above 0"):
        train_config("self_training_teacher.jsonnet", tmp_path / "windows_alone", overrides)
