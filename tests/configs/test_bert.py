"""configs/bert.jsonnet on a tiny BERT built here (3 layers, 32 wide, a 70-word vocabulary):
gradual unfreezing and discriminative learning rates as they happen in `allennlp train`,
the archive, `allennlp evaluate` and the sentiment predictor."""
import json
import os

import _jsonnet
import pytest
from allennlp.commands.evaluate import evaluate_from_archive
from allennlp.commands.train import train_model_from_file
from allennlp.predictors import Predictor
from allennlp.training.callbacks import TrainerCallback

from helpers import CONFIGS, config_with, make_tiny_bert

LAYERS = 3
DECAY = 0.5


@TrainerCallback.register("textflix_test_recorder")
class Recorder(TrainerCallback):
    """After every training batch: each group's learning rate and whether it got gradients."""

    def on_batch(self, trainer, batch_inputs, batch_outputs, batch_metrics, epoch, batch_number,
                 is_training, is_primary=True, batch_grad_norm=None, **kwargs):
        if not is_training:
            return
        groups = trainer.optimizer.param_groups[:-1]  # the last is the default group
        record = {
            "epoch": epoch,
            "groups": trainer.optimizer.group_names,
            "default_group_size": len(trainer.optimizer.param_groups[-1]["params"]),
            "lr": [g["lr"] for g in groups],
            "got_gradients": [any(p.grad is not None and bool(p.grad.any()) for p in g["params"]) for g in groups],
        }
        with open(f"{self.serialization_dir}/record.jsonl", "a") as handle:
            handle.write(json.dumps(record) + "\n")


@TrainerCallback.register("textflix_test_interrupt")
class Interrupt(TrainerCallback):
    """Stops training once at the end of `epoch` (before its checkpoint), like a killed job."""

    def __init__(self, serialization_dir: str, epoch: int) -> None:
        super().__init__(serialization_dir)
        self.epoch = epoch

    def on_epoch(self, trainer, metrics, epoch, is_primary=True, **kwargs):
        marker = f"{self.serialization_dir}/interrupted"
        if epoch == self.epoch and not os.path.exists(marker):
            open(marker, "w").close()
            raise RuntimeError("simulated interruption")


def train_tiny(config: dict, directory, reviews_jsonl, epochs: int, train_size: int = 24, interrupt_at=None):
    import textflix_lib  # noqa: F401

    config["dataset_reader"]["train_size"] = train_size
    config["dataset_reader"]["tokenizer"].update(head_tokens=12, tail_tokens=20)
    config["validation_data_path"] = str(reviews_jsonl)
    config["data_loader"]["batch_sampler"]["batch_size"] = 8
    config["trainer"]["num_epochs"] = epochs
    config["trainer"].setdefault("callbacks", []).append({"type": "textflix_test_recorder"})
    if interrupt_at is not None:
        config["trainer"]["callbacks"].append({"type": "textflix_test_interrupt", "epoch": interrupt_at})
    path = directory / "config.json"
    path.write_text(json.dumps(config))
    if interrupt_at is None:
        model = train_model_from_file(str(path), str(directory / "run"), force=True)
    else:
        with pytest.raises(RuntimeError, match="simulated interruption"):
            train_model_from_file(str(path), str(directory / "run"), force=True)
        model = train_model_from_file(str(path), str(directory / "run"), recover=True)
    records = [json.loads(line) for line in open(directory / "run" / "record.jsonl")]
    return model, records


@pytest.fixture(scope="module")
def trained(tiny_bert, tmp_path_factory, reviews_jsonl):
    directory = tmp_path_factory.mktemp("bert_run")
    config = config_with("bert.jsonnet", str(tiny_bert))
    config["trainer"]["optimizer"].update(lr=1e-3, layers_per_group=1)
    config["trainer"]["learning_rate_scheduler"]["decay_factor"] = DECAY
    # embeddings, 3 layers, head: all open in the last epoch. The run is stopped after its
    # third epoch and resumed with --recover (which repeats that epoch).
    model, records = train_tiny(config, directory, reviews_jsonl, epochs=LAYERS + 2, interrupt_at=2)
    return model, directory / "run", records


def test_groups_cover_every_parameter_bottom_to_top(trained):
    _, _, records = trained
    assert records[0]["groups"] == ["embeddings", "layer 0", "layer 1", "layer 2", "head"]
    assert all(r["default_group_size"] == 0 for r in records)


def test_gradual_unfreezing_opens_one_group_per_epoch_from_the_top(trained):
    """Also across a resumed run: epoch 2 was trained twice, before and after --recover."""
    _, _, records = trained
    groups = len(records[0]["groups"])
    for epoch in range(LAYERS + 2):
        batches = [r["got_gradients"] for r in records if r["epoch"] == epoch]
        assert batches, f"no training batches in epoch {epoch}"
        opened = min(epoch + 1, groups)
        expected = [False] * (groups - opened) + [True] * opened
        assert all(b == expected for b in batches), (epoch, batches)
    assert len([r for r in records if r["epoch"] == 2]) == 2 * len([r for r in records if r["epoch"] == 1])


def test_discriminative_learning_rates_fall_from_top_to_bottom(trained):
    _, _, records = trained
    for record in records:
        lr = record["lr"]
        assert all(low < high for low, high in zip(lr, lr[1:])), lr
        for low, high in zip(lr, lr[1:]):
            assert low / high == pytest.approx(DECAY)


def test_archive_round_trips_through_evaluate_and_the_predictor(trained, reviews_jsonl, few_reviews, tmp_path):
    model, run, _ = trained
    archive = run / "model.tar.gz"
    metrics = evaluate_from_archive(str(archive), str(reviews_jsonl), metrics_output_file=str(tmp_path / "m.json"))
    assert 0.0 <= metrics["accuracy"] <= 1.0 and metrics["loss"] > 0
    assert json.loads((tmp_path / "m.json").read_text())["accuracy"] == metrics["accuracy"]

    predictor = Predictor.from_path(str(archive), "sentiment")
    texts = [{"text": r.text, "review_id": r.metadata["review_id"]} for r in few_reviews[:6]]
    outputs = predictor.predict_batch_json(texts)
    assert all(o["label"] in ("pos", "neg") and o["review_id"] == t["review_id"] for o, t in zip(outputs, texts))
    assert all(sum(o["probs"].values()) == pytest.approx(1.0) for o in outputs)
    # the archive holds exactly the trained weights
    model.eval()
    in_memory = Predictor.by_name("sentiment")(model, predictor._dataset_reader).predict_batch_json(texts)
    assert [o["probs"]["pos"] for o in outputs] == pytest.approx([o["probs"]["pos"] for o in in_memory], abs=1e-6)


def test_bert_large_config_groups_24_layers_by_four(tmp_path, reviews_jsonl):
    """configs/bert_large.jsonnet on a 24-layer tiny BERT: 8 groups, all open by the 8th epoch."""
    (tmp_path / "tiny_large").mkdir()
    tiny_large = make_tiny_bert(tmp_path / "tiny_large", layers=24)
    config = config_with("bert_large.jsonnet", str(tiny_large))
    config["trainer"]["callbacks"] = [{"type": "validate_last_epoch"}]  # as on a CPU
    _, records = train_tiny(config, tmp_path, reviews_jsonl, epochs=8, train_size=16)
    assert records[0]["groups"] == ["embeddings"] + [f"layers {i}-{i + 3}" for i in range(0, 24, 4)] + ["head"]
    opened = [sum(r["got_gradients"]) for r in records]
    epochs = [r["epoch"] for r in records]
    assert [opened[epochs.index(e)] for e in range(8)] == [1, 2, 3, 4, 5, 6, 7, 8]
