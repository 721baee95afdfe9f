"""Mixed precision at inference: the autocast context for the device a model runs on.

On a CPU it is ``torch.autocast("cpu", dtype=torch.bfloat16)`` where the CPU has bfloat16
units (Intel AMX, AVX512-BF16): a MiniLM forward pass runs about 3 times faster than in float32
(`experiments/cpu_precision_bench.py`, docs/models.md). Without them torch emulates bfloat16,
about 7 times slower than float32 on a 2-core AMD EPYC, so mixed precision there computes in
float32 (``TEXTFLIX_CPU_AMP=bfloat16`` forces it; `textflix_compat.cpu_amp_dtype`). On a GPU
it is the dtype the trainer's mixed precision uses (`textflix_compat.amp_dtype`: bfloat16 from
compute capability 8.0, else float16). Training in
mixed precision on a CPU is AllenNLP's ``trainer.use_amp`` (the compat layer allows it there).
"""
import contextlib
from typing import Any, ContextManager, Mapping, Optional, Union

import torch


def autocast_dtype(device: Union[str, torch.device], enabled: bool = True) -> Optional[torch.dtype]:
    """The dtype mixed precision computes in on `device`, or None for float32 (not `enabled`, or a
    CPU without bfloat16 units: `textflix_compat.cpu_amp_dtype`, ``TEXTFLIX_CPU_AMP``)."""
    if not enabled:
        return None
    device = torch.device(device)
    if device.type == "cpu":
        from textflix_compat import cpu_amp_dtype

        return cpu_amp_dtype()
    if device.type == "cuda":
        from textflix_compat import amp_dtype

        return amp_dtype()
    raise ValueError(f"mixed precision at inference runs on a CPU or a CUDA GPU, not on {device}")


def inference_autocast(device: Union[str, torch.device], enabled: bool = True) -> ContextManager:
    """The autocast context for a forward pass on `device` in `autocast_dtype` (a no-op when that
    is float32)."""
    dtype = autocast_dtype(device, enabled)
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(torch.device(device).type, dtype=dtype)


def trained_in_mixed_precision(config: Mapping[str, Any]) -> bool:
    """Whether a training config (an archive's `config.json`, as a dict) trained in mixed
    precision: its ``trainer.use_amp``. Commands that load an archive score in the same
    precision unless told otherwise."""
    trainer = config.get("trainer") or {}
    return bool(trainer.get("use_amp", False)) if isinstance(trainer, Mapping) else False
