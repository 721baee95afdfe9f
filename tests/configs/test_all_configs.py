"""Every config in configs/ builds, as allennlp-models' training-config test checks its
configs: `Params.from_file` evaluates the Jsonnet, then `allennlp train`'s own construction
(`TrainModel.from_params`: reader, data loaders, vocabulary, model, optimizer, scheduler,
callbacks, trainer) runs on 20 of the 40 real test reviews, and the model scores one batch.
Nothing is trained. A config naming a Hugging Face model that is not installed gets a tiny
local BERT of the same depth instead (no download)."""
import json
import re

import _jsonnet
import pytest
import torch
from allennlp.common import Params
from allennlp.common.util import prepare_environment
from allennlp.commands.train import TrainModel
from allennlp.models.archival import CONFIG_NAME
from allennlp.nn.util import get_text_field_mask

import textflix_lib  # noqa: F401  registers the components
from helpers import CONFIGS, make_tiny_bert
from textflix_lib.resources import PACKAGED_TRANSFORMERS

CONFIG_FILES = sorted(path.name for path in CONFIGS.glob("*.jsonnet"))
TRANSFORMER_LINE = re.compile(r'^local transformer = "([^"]+)";$', re.MULTILINE)
# the depth of each hub model or local encoder a config names, for its tiny stand-in
HUB_MODEL_LAYERS = {"bert-large-uncased": 24, "runs/minilm_imdb": 6, "runs/encoders/all-mpnet-base-v2": 12}


def test_every_config_is_listed():
    assert set(CONFIG_FILES) >= {"nbsvm.jsonnet", "bow_logreg.jsonnet", "word_vectors.jsonnet", "cnn.jsonnet",
                                 "bert.jsonnet", "bert_large.jsonnet"}


def config_params(name: str, tmp_path) -> Params:
    path = CONFIGS / name
    source = path.read_text()
    named = TRANSFORMER_LINE.search(source)
    if named and named.group(1).lower() not in PACKAGED_TRANSFORMERS:
        if named.group(1) not in HUB_MODEL_LAYERS:
            pytest.fail(f"{name} names {named.group(1)!r}: add its depth to HUB_MODEL_LAYERS")
        tmp_path.mkdir(parents=True, exist_ok=True)
        tiny = make_tiny_bert(tmp_path, layers=HUB_MODEL_LAYERS[named.group(1)], max_positions=512)
        source = source.replace(named.group(0), f"local transformer = {json.dumps(str(tiny))};")
        return Params(json.loads(_jsonnet.evaluate_snippet(str(path), source)))
    return Params.from_file(str(path))


@pytest.mark.parametrize("name", CONFIG_FILES)
def test_config_builds_every_piece_of_a_run(name, reviews_jsonl, tmp_path, request):
    params = config_params(name, tmp_path / "stand_in")
    if params["model"].get("teacher"):
        # a config naming a trained teacher (configs/self_training_teacher.jsonnet): a real,
        # small archive in its place
        params["model"]["teacher"] = str(request.getfixturevalue("nbsvm_archive"))
        params["model"]["teacher_cache_dir"] = str(tmp_path / "teacher_cache")
    data = str(reviews_jsonl)
    params = Params({**params.as_dict(quiet=True), "train_data_path": data, "validation_data_path": data,
                     **({"test_data_path": data} if "test_data_path" in params else {})})
    params["dataset_reader"]["train_size"] = 20
    reader_type = params["dataset_reader"]["type"]
    run = tmp_path / "run"
    run.mkdir()
    params.to_file(str(run / CONFIG_NAME))  # as `allennlp train` does: the reader reads it
    params.pop("include_in_archive", None)  # read by `train_model`, not by TrainModel
    evaluation = params.pop("evaluation", None)  # read by `allennlp evaluate`, popped by `train_model`
    if evaluation is not None:
        from allennlp.evaluation import Evaluator

        Evaluator.from_params(evaluation.duplicate())
    prepare_environment(params)
    built = TrainModel.from_params(params=params, serialization_dir=str(run), local_rank=0)

    assert built.model.vocab.get_vocab_size("labels") == 2
    if reader_type == "imdb":
        assert sum(1 for _ in built.trainer.data_loader.iter_instances()) == 20  # the train_size sample only
    built.model.eval()
    batch = next(iter(built.trainer.data_loader))
    with torch.no_grad():
        output = built.model(**batch)
    rows = get_text_field_mask(batch["tokens"]).shape[0]
    assert output["probs"].shape == (rows, 2)
    assert torch.allclose(output["probs"].sum(dim=1), torch.ones(rows))
