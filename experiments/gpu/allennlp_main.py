"""`allennlp` for experiments/gpu/run.sh: the same command, with textflix_compat loaded first and
optional measurement switches.

In an installed project `textflix_compat.pth` loads textflix_compat before AllenNLP; a .pth is
not read from PYTHONPATH, so this imports it explicitly, then runs AllenNLP's own entry point.
Usage: python3 experiments/gpu/allennlp_main.py train CONFIG -s DIR --include-package textflix_lib

Environment switches (all off by default; none changes what is trained):
- GPU_PHASES=FILE: time each epoch's phases (training loop, validation, checkpoint saving, the
  best-model copy; torch.cuda.synchronize() at each boundary), the autocast dtype seen inside
  the model's forward, the gradient scaler in use, and the peak CUDA memory; JSON at exit.
- GPU_NO_ARCHIVE=1: skip writing model.tar.gz at the end of `allennlp train` (BERT-large's is
  1.3 GB: ~45 s at gzip level 1, minutes at AllenNLP's level 9; it is not an epoch cost).
- GPU_GZIP_LEVEL=N: compression level of model.tar.gz (AllenNLP's tarfile "w:gz" uses 9).
- GPU_LEGACY_AMP=1: undo textflix_compat's mixed-precision patch (AllenNLP 2.10.1's own
  torch.cuda.amp calls: float16 with a gradient scaler), to measure it against the patch.
"""
import sys

import textflix_compat  # noqa: F401  (installs the import hooks; must precede allennlp)

assert any(type(f).__name__ == "_PatchingFinder" for f in sys.meta_path), "textflix_compat hooks missing"

import atexit  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402


def _gzip_level():
    level = os.environ.get("GPU_GZIP_LEVEL")
    if not level:
        return
    import tarfile

    original = tarfile.TarFile.gzopen.__func__

    def gzopen(cls, name, mode="r", fileobj=None, compresslevel=int(level), **kwargs):
        return original(cls, name, mode, fileobj, compresslevel=compresslevel, **kwargs)

    tarfile.TarFile.gzopen = classmethod(gzopen)


def _legacy_amp():
    if os.environ.get("GPU_LEGACY_AMP") != "1":
        return
    import torch
    from allennlp.training import gradient_descent_trainer as module

    module.amp = torch.cuda.amp
    trainer = module.GradientDescentTrainer
    trainer.__init__ = getattr(trainer.__init__, "__wrapped__", trainer.__init__)


def _no_archive():
    if os.environ.get("GPU_NO_ARCHIVE") != "1":
        return
    from allennlp.commands import train

    def archive_model(serialization_dir, *args, **kwargs):
        print(f"GPU_NO_ARCHIVE: model.tar.gz not written for {serialization_dir}", flush=True)

    train.archive_model = archive_model


def _phases():
    path = os.environ.get("GPU_PHASES")
    if not path:
        return
    import torch
    from allennlp.training import checkpointer, gradient_descent_trainer

    record = {"epochs": {}, "autocast": None, "scaler": None}
    trainer_class = gradient_descent_trainer.GradientDescentTrainer

    def sync():
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            torch.cuda.synchronize()

    def timed(owner, name, phase, epoch_of):
        original = getattr(owner, name)

        def wrapper(self, *args, **kwargs):
            sync()
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                sync()
                epoch = epoch_of(self, args)
                if epoch is not None:  # None: a checkpoint check inside an epoch (counted in train_s)
                    slot = record["epochs"].setdefault(str(epoch), {})
                    slot[phase] = round(slot.get(phase, 0.0) + time.perf_counter() - started, 3)

        setattr(owner, name, wrapper)

    timed(trainer_class, "_train_epoch", "train_s", lambda self, args: args[0])
    timed(trainer_class, "_validation_loss", "validation_s", lambda self, args: args[0])
    timed(trainer_class, "_save_model_state", "best_model_save_s", lambda self, args: self._epochs_completed - 1)
    # (trainer, epochs completed, batches completed in this epoch): 0 batches is the epoch's end
    timed(checkpointer.Checkpointer, "maybe_save_checkpoint", "checkpoint_s",
          lambda self, args: args[1] - 1 if args[2] == 0 else None)

    original_outputs = trainer_class.batch_outputs

    def batch_outputs(self, batch, for_training):
        if record["autocast"] is None:
            on = torch.is_autocast_enabled("cuda") if torch.cuda.is_available() else False
            record["autocast"] = str(torch.get_autocast_dtype("cuda")) if on else "off"
            record["scaler"] = type(self._scaler).__module__ + "." + type(self._scaler).__name__ \
                if self._scaler is not None else None
        return original_outputs(self, batch, for_training)

    trainer_class.batch_outputs = batch_outputs

    def write():
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            record["max_memory_allocated_mib"] = round(torch.cuda.max_memory_allocated() / 2**20)
            record["max_memory_reserved_mib"] = round(torch.cuda.max_memory_reserved() / 2**20)
        record["end_time"] = time.time()
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as handle:
            json.dump(record, handle, indent=1)

    atexit.register(write)


_gzip_level()
_legacy_amp()
_no_archive()
_phases()

from allennlp.__main__ import run  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "allennlp"
    run()
