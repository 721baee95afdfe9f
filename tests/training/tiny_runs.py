"""A tiny gradient-trained classifier for the trainer-callback tests: AllenNLP's
basic_classifier (8-d word embeddings, one feed-forward layer) on the 40 real reviews of
`reviews_jsonl`, trained by `allennlp train`'s own code in this process (a few seconds)."""
import json
import os

from allennlp.commands.train import train_model
from allennlp.common import Params
from allennlp.training.callbacks import TrainerCallback


@TrainerCallback.register("textflix_test_gradient_log")
class GradientLog(TrainerCallback):
    """After each training batch: the epoch and, per parameter group, whether it got gradients."""

    def on_batch(self, trainer, batch_inputs, batch_outputs, batch_metrics, epoch, batch_number,
                 is_training, is_primary=True, batch_grad_norm=None, **kwargs):
        if not is_training:
            return
        groups = trainer.optimizer.param_groups[:-1]  # the last is AllenNLP's (empty) default group
        got = [any(p.grad is not None and bool(p.grad.any()) for p in g["params"]) for g in groups]
        with open(os.path.join(self.serialization_dir, "gradients.jsonl"), "a") as handle:
            handle.write(json.dumps({"epoch": epoch, "got_gradients": got}) + "\n")


@TrainerCallback.register("textflix_test_stop_once")
class StopOnce(TrainerCallback):
    """Raises once at the end of `epoch`, before its checkpoint is written, like a killed job."""

    def __init__(self, serialization_dir: str, epoch: int) -> None:
        super().__init__(serialization_dir)
        self.epoch = epoch

    def on_epoch(self, trainer, metrics, epoch, is_primary=True, **kwargs):
        marker = os.path.join(self.serialization_dir, "stopped")
        if epoch == self.epoch and not os.path.exists(marker):
            open(marker, "w").close()
            raise RuntimeError("simulated interruption")


def tiny_config(reviews_jsonl, num_epochs: int, callbacks=(), gradual_unfreezing: bool = False) -> dict:
    config = {
        "dataset_reader": {"type": "imdb", "include_metadata": False, "max_tokens": 60,
                           "token_indexers": {"tokens": {"type": "single_id", "lowercase_tokens": True}}},
        "train_data_path": str(reviews_jsonl),
        "validation_data_path": str(reviews_jsonl),
        "model": {
            "type": "basic_classifier",
            "text_field_embedder": {"token_embedders": {"tokens": {"type": "embedding", "embedding_dim": 8}}},
            "seq2vec_encoder": {"type": "boe", "embedding_dim": 8, "averaged": True},
            "feedforward": {"input_dim": 8, "num_layers": 1, "hidden_dims": 8, "activations": "relu"},
        },
        "data_loader": {"batch_size": 10, "shuffle": False},
        "random_seed": 0, "numpy_seed": 0, "pytorch_seed": 0,
        "trainer": {
            "num_epochs": num_epochs,
            "optimizer": {"type": "adam", "lr": 0.01},
            "callbacks": list(callbacks),
        },
    }
    if gradual_unfreezing:
        # three groups, bottom to top: embedding, feed-forward, output layer
        config["trainer"]["optimizer"]["parameter_groups"] = [
            [["_text_field_embedder"], {}], [["_feedforward"], {}], [["_classification_layer"], {}]]
        config["trainer"]["learning_rate_scheduler"] = {"type": "slanted_triangular", "gradual_unfreezing": True}
    return config


def train(config: dict, serialization_dir, recover: bool = False):
    return train_model(Params(json.loads(json.dumps(config))), str(serialization_dir), recover=recover,
                       force=not recover)


def read_jsonl(path):
    return [json.loads(line) for line in open(path)]
