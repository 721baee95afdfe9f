"""Mixed precision at inference: the autocast context for the device a model runs on.

On a CPU it is ``torch.autocast("cpu", dtype=torch.bfloat16)``: with bfloat16 units (Intel
AMX, AVX512-BF16) a MiniLM forward pass runs about 3 times faster than in float32
(`experiments/cpu_precision_bench.py`, docs/models.md); without them torch emulates bfloat16
and it is slower. On a GPU it is the dtype the trainer's mixed precision uses
(`textflix_compat.amp_dtype`: bfloat16 from compute capability 8.0, else float16). Training in
mixed precision on a CPU is AllenNLP's ``trainer.use_amp`` (the compat layer allows it there).
"""
import contextlib
from typing import Any, ContextManager, Mapping, Union

import torch


def inference_autocast(device: Union[str, torch.device], enabled: bool = True) -> ContextManager:
    """The autocast context for a forward pass on `device` (a no-op when not `enabled`)."""
    if not enabled:
        return contextlib.nullcontext()
    device = torch.device(device)
    if device.type == "cpu":
        return torch.autocast("cpu", dtype=torch.bfloat16)
    if device.type == "cuda":
        from textflix_compat import amp_dtype

        return torch.autocast("cuda", dtype=amp_dtype())
    raise ValueError(f"mixed precision at inference runs on a CPU or a CUDA GPU, not on {device}")


def trained_in_mixed_precision(config: Mapping[str, Any]) -> bool:
    """Whether a training config (an archive's `config.json`, as a dict) trained in mixed
    precision: its ``trainer.use_amp``. Commands that load an archive score in the same
    precision unless told otherwise."""
    trainer = config.get("trainer") or {}
    return bool(trainer.get("use_amp", False)) if isinstance(trainer, Mapping) else False
