"""Trainer callbacks for the reliability tests, loaded by `allennlp train --include-package
textflix_test_callbacks` (tests/reliability on PYTHONPATH) and by the tests themselves.

`textflix_test_trainable` records, after every training batch, which parameter groups are
trainable (`requires_grad`) and which got gradients; with TEXTFLIX_TEST_SLOW_FROM_EPOCH=k in
the environment it also sleeps TEXTFLIX_TEST_SLOW_SECONDS after each batch from epoch k on,
so that a test can kill the process in the middle of that epoch. The environment, not the
config, carries the slowdown: `--recover` refuses a config that differs from the first run's.
"""
import json
import os
import time

from allennlp.training.callbacks import TrainerCallback


@TrainerCallback.register("textflix_test_trainable")
class TrainableRecorder(TrainerCallback):
    def on_batch(self, trainer, batch_inputs, batch_outputs, batch_metrics, epoch, batch_number,
                 is_training, is_primary=True, batch_grad_norm=None, **kwargs):
        if not is_training:
            return
        groups = trainer.optimizer.param_groups[:-1]  # the last is AllenNLP's (empty) default group
        record = {
            "epoch": epoch,
            "batch": batch_number,
            "pid": os.getpid(),
            "trainable": [any(p.requires_grad for p in g["params"]) for g in groups],
            "got_gradients": [any(p.grad is not None and bool(p.grad.any()) for p in g["params"]) for g in groups],
        }
        with open(os.path.join(self.serialization_dir, "trainable.jsonl"), "a") as handle:
            handle.write(json.dumps(record) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        slow_from = os.environ.get("TEXTFLIX_TEST_SLOW_FROM_EPOCH")
        if slow_from is not None and epoch >= int(slow_from):
            time.sleep(float(os.environ.get("TEXTFLIX_TEST_SLOW_SECONDS", "1")))
