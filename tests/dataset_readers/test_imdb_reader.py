import json

import pytest
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.data import DatasetReader

from textflix_lib.dataset_readers.imdb import ImdbReader
from textflix_lib.data.errors import DataFormatError


def texts(instances):
    return [inst["metadata"]["text"] for inst in instances]


def test_registered_and_configurable_from_params():
    reader = DatasetReader.from_params(Params({"type": "imdb", "train_size": 20, "seed": 1,
                                               "tokenizer": {"type": "sentiment_ngrams"}}))
    assert isinstance(reader, ImdbReader) and reader.train_size == 20


def test_embedded_split_instances(split):
    reader = ImdbReader(train_size=50, seed=0)
    instances = list(reader.read("train"))
    assert len(instances) == 50
    labels = [inst["label"].label for inst in instances]
    assert labels.count("pos") == 25 and labels.count("neg") == 25
    assert set(texts(instances)) <= {r.text for r in split.train}
    # validation and test are never sampled
    assert len(list(ImdbReader(train_size=50).read("validation"))) == 1000


def test_sampling_is_deterministic_and_nested():
    small = texts(ImdbReader(train_size=20, seed=5).read("train"))
    large = texts(ImdbReader(train_size=60, seed=5).read("train"))
    again = texts(ImdbReader(train_size=20, seed=5).read("train"))
    assert small == again and set(small) <= set(large)


def test_text_to_instance_without_label_or_metadata():
    reader = ImdbReader(include_metadata=False, max_tokens=3)
    instance = reader.text_to_instance("one two three four five")
    assert set(instance.fields) == {"tokens"}
    assert [t.text for t in instance["tokens"].tokens] == ["one", "two", "three"]


def test_empty_text_gets_a_placeholder_token():
    instance = ImdbReader().text_to_instance("")
    assert len(instance["tokens"].tokens) == 1


def test_user_jsonl_with_sampling_and_metadata(tmp_path, few_reviews):
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps({"text": r.text, "label": r.label, "movie_id": f"tt{i % 3}"}) + "\n"
                            for i, r in enumerate(few_reviews)), encoding="utf-8")
    # the reader samples the run's training data (tests/dataset_readers/test_train_size_scope.py)
    (tmp_path / "config.json").write_text(json.dumps({"train_data_path": str(path)}))
    instances = list(ImdbReader(train_size=10, seed=0, serialization_dir=str(tmp_path)).read(str(path)))
    assert len(instances) == 10
    assert all(inst["metadata"]["movie_id"].startswith("tt") for inst in instances)


def test_bad_user_file_error_reaches_the_user(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("text,label\nfine,pos\nbad,unknown\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"bad\.csv, line 3: unknown label"):
        list(ImdbReader().read(str(path)))


@pytest.mark.parametrize("kwargs,message", [
    ({"train_size": 1}, "train_size must be at least 2"),
    ({"test_percent": 0}, "test_percent"),
    ({"max_tokens": 0}, "max_tokens"),
])
def test_bad_settings_are_configuration_errors(kwargs, message):
    with pytest.raises(ConfigurationError, match=message):
        ImdbReader(**kwargs)


def test_folds_cut_the_training_data_only():
    def read(path, **options):
        return texts(ImdbReader(train_size=60, seed=3, **options).read(path))

    sample = read("train")
    held = []
    for fold in range(3):
        rest, held_out = read("train", folds=3, fold=fold), read("train", folds=3, fold=fold, held_out=True)
        assert len(rest) == 40 and len(held_out) == 20 and set(rest) | set(held_out) == set(sample)
        held += held_out
    assert sorted(held) == sorted(sample)
    # validation, test and users' files are read whole, as with train_size
    assert len(read("validation", folds=3, fold=1, held_out=True)) == 1000


def test_folds_without_train_size_cut_the_whole_training_file(tmp_path, split):
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps({"text": r.text, "label": r.label}) + "\n" for r in split.test[:30]))
    reader = ImdbReader(folds=3, fold=0, held_out=True)
    reader.training_data_path = str(path)  # as `allennlp train` tells it through config.json
    assert len(list(reader.read(str(path)))) == 10


@pytest.mark.parametrize("options, message", [
    ({"folds": 1}, "folds must be at least 2"),
    ({"folds": 3, "fold": 3}, "fold must lie between 0 and 2"),
    ({"held_out": True}, "held_out reads one cross-validation fold: it needs folds"),
])
def test_bad_fold_settings_are_configuration_errors(options, message):
    with pytest.raises(ConfigurationError, match=message):
        ImdbReader(**options)


def test_too_few_reviews_for_the_folds_name_the_path():
    with pytest.raises(ConfigurationError, match="train: 5 folds need at least 5 reviews, got 4"):
        list(ImdbReader(train_size=4, folds=5).read("train"))


def test_the_pool_reader_refuses_folds():
    with pytest.raises(ConfigurationError, match="imdb_pool does not take cross-validation folds"):
        DatasetReader.from_params(Params({"type": "imdb_pool", "train_size": 20, "folds": 3}))


def test_the_pool_reader_refuses_train_windows():
    with pytest.raises(ConfigurationError, match="imdb_pool does not take train_windows"):
        DatasetReader.from_params(Params({"type": "imdb_pool", "train_size": 20, "train_windows": [[254, 0]],
                                          "tokenizer": {"type": "head_tail", "model_name": "minilm"}}))


def _head_tail(head=64, tail=190):
    from textflix_lib.tokenizers.head_tail import HeadTailTokenizer

    return HeadTailTokenizer("minilm", head_tokens=head, tail_tokens=tail)


def test_train_windows_add_the_long_training_reviews_other_windows():
    """Window augmentation: each training review longer than the window is also read through
    the first and the last 254 word pieces; short ones once; validation is read as it is."""
    tokenizer = _head_tail()
    plain = list(ImdbReader(tokenizer=tokenizer, train_size=30, seed=1).read("train"))
    augmented = list(ImdbReader(tokenizer=tokenizer, train_size=30, seed=1,
                                train_windows=[[254, 0], [0, 254]]).read("train"))
    lengths = [len(tokenizer.tokenize_windows(i["metadata"]["text"], [[254, 0], [0, 254]])) for i in plain]
    assert set(lengths) == {1, 3}  # the sample has short and long reviews
    assert len(augmented) == sum(lengths)
    # the instances of one review follow each other: its own window, then the others, same label
    position = 0
    for instance, count in zip(plain, lengths):
        group = augmented[position:position + count]
        assert [t.text for t in group[0]["tokens"].tokens] == [t.text for t in instance["tokens"].tokens]
        assert {g["label"].label for g in group} == {instance["label"].label}
        assert len({tuple(t.text for t in g["tokens"].tokens) for g in group}) == count
        position += count
    validation = ImdbReader(tokenizer=tokenizer, train_windows=[[254, 0], [0, 254]]).read("validation")
    assert sum(1 for _ in validation) == 1000


def test_train_windows_leave_a_held_out_fold_alone():
    options = dict(tokenizer=_head_tail(), train_size=30, seed=1, folds=3, fold=0, held_out=True)
    assert len(list(ImdbReader(train_windows=[[254, 0]], **options).read("train"))) == 10


@pytest.mark.parametrize("options, message", [
    ({"train_windows": [[254, 0]]}, "train_windows reads other windows of a head_tail tokenizer"),
    ({"train_windows": [[254]], "tokenizer": "head_tail"}, r"each window is \[head_tokens, tail_tokens\]"),
    ({"train_windows": [[-1, 20]], "tokenizer": "head_tail"}, "got \\[-1, 20\\]"),
    ({"train_windows": [[0, 0]], "tokenizer": "head_tail"}, "keep at least one word piece"),
])
def test_bad_train_windows_are_configuration_errors(options, message):
    if options.get("tokenizer") == "head_tail":
        options = {**options, "tokenizer": _head_tail()}
    with pytest.raises(ConfigurationError, match=message):
        ImdbReader(**options)
