"""Make AllenNLP 2.10.1 import and run on Python 3.11 with current torch and transformers.

Loaded before anything else by ``textflix_compat.pth`` (installed next to it in
site-packages), so the plain ``allennlp`` command works. It must stay cheap: it imports
nothing heavy itself and only installs import hooks that act when AllenNLP's own modules
load. Each fix is for one measured breakage (``shared/brief/environment.md``):

1. ``allennlp.data.image_loader`` and ``allennlp.modules.vision`` import torchvision at module
   level. torchvision is absent on purpose (PyPI's wheels break beside the CPU torch) and
   vision models are unused, so those modules get a stand-in ``torchvision`` while they load;
   using one of them raises an error that says why.
2. ``transformers.AdamW`` is gone; ``allennlp.training.optimizers`` subclasses it at import.
   We provide it as a thin subclass of ``torch.optim.AdamW`` just before that module runs
   (setting it earlier is lost: transformers replaces its module object lazily).
3. ``pkg_resources`` for py-rouge: solved by the ``setuptools<81`` pin, not here.
4. ``cached_transformers.get_tokenizer`` passes ``add_special_tokens=`` to
   ``AutoTokenizer.from_pretrained``, which current transformers rejects: the keyword is dropped.
5. ``allennlp predict`` reports an unreadable input line without saying which one: the line
   reader of its private ``_PredictManager`` is replaced by one that raises textflix's
   ``DataFormatError`` naming the file (or ``<stdin>``) and the line number. Its predictor is
   built by ``textflix_lib.predictors.base.predictor_from_archive``, so textflix's predictors
   score an archive trained in mixed precision in it unless ``--predictor-args`` say otherwise.
6. Mixed precision (``trainer.use_amp``): AllenNLP's ``GradientDescentTrainer`` calls
   ``torch.cuda.amp.autocast`` and ``torch.cuda.amp.GradScaler``, which torch marks deprecated
   (a FutureWarning at every batch), and always autocasts to float16 with a gradient scaler.
   The trainer module's ``amp`` is replaced by ``torch.amp`` calls for the "cuda" device, with
   the dtype of ``amp_dtype()``: bfloat16 on GPUs that have it (compute capability 8.0 and up:
   A100, H100, H200), which needs no gradient scaler (float16's range is the reason for one),
   else float16 with ``torch.amp.GradScaler("cuda")`` as before. ``TEXTFLIX_AMP_DTYPE=float16``
   (or ``bfloat16``) overrides the choice. ``use_amp`` on a CPU, which AllenNLP refuses, trains
   under ``torch.amp.autocast("cpu", torch.bfloat16)`` instead (forward and loss; no scaler)
   on CPUs with bfloat16 units (AMX, AVX512-BF16), where the products run several times faster
   (docs/models.md measures it); elsewhere torch would emulate bfloat16, several times slower
   than float32, so it trains in float32 (``cpu_amp_dtype``; ``TEXTFLIX_CPU_AMP`` overrides).
   Inside the autocast, attention avoids cuDNN's kernels, which build a plan for every new input
   shape: that, not float16 arithmetic, made AllenNLP's AMP slower than float32 on an H200 with
   length-bucketed batches (measured in docs/gpu.md; TEXTFLIX_AMP_CUDNN_ATTENTION=1 keeps cuDNN).

Set ``TEXTFLIX_NO_COMPAT=1`` to switch all of this off.
"""
import functools
import importlib.abc
import importlib.machinery
import os
import sys
import types

_PATCHED_MODULES = {
    "allennlp.data.image_loader",
    "allennlp.modules.vision",
    "allennlp.training.optimizers",
    "allennlp.common.cached_transformers",
    "allennlp.commands.predict",
    "allennlp.training.gradient_descent_trainer",
}


class _MissingTorchvision(types.ModuleType):
    """Stands in for torchvision while AllenNLP's vision modules import; any use explains itself."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _MissingTorchvision(f"{self.__name__}.{name}")

    def __call__(self, *args, **kwargs):
        raise ImportError(
            f"{self.__name__} was called, but torchvision is not installed: textflix does not use "
            "AllenNLP's vision models (torchvision's PyPI wheels break beside the CPU torch)."
        )


def _with_stand_in_torchvision(exec_module):
    def run(module):
        try:
            import torchvision  # noqa: F401  (a real one, if a user installed it, wins)

            return exec_module(module)
        except ImportError:
            pass
        stand_ins = {name: _MissingTorchvision(name) for name in ("torchvision", "torchvision.ops", "torchvision.ops.boxes")}
        saved = {name: sys.modules.get(name) for name in stand_ins}
        sys.modules.update(stand_ins)
        try:
            return exec_module(module)
        finally:
            for name, previous in saved.items():
                if previous is None:
                    sys.modules.pop(name, None)
                else:
                    sys.modules[name] = previous

    return run


def _provide_transformers_adamw(exec_module):
    def run(module):
        import torch
        import transformers

        if "AdamW" not in vars(transformers) and not _has_attr(transformers, "AdamW"):

            class AdamW(torch.optim.AdamW):
                """Stand-in for the removed ``transformers.AdamW`` (same arguments as torch's,
                plus the old ``correct_bias`` flag, which torch's AdamW always applies)."""

                def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.0,
                             correct_bias=True, **kwargs):
                    super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, **kwargs)

            transformers.AdamW = AdamW
        return exec_module(module)

    return run


def _has_attr(module, name):
    try:
        getattr(module, name)
        return True
    except (AttributeError, ImportError, RuntimeError):
        return False


def _drop_add_special_tokens(exec_module):
    def run(module):
        exec_module(module)
        original = module.get_tokenizer

        def get_tokenizer(model_name, **kwargs):
            kwargs.pop("add_special_tokens", None)
            return original(model_name, **kwargs)

        get_tokenizer.__doc__ = original.__doc__
        module.get_tokenizer = get_tokenizer

    return run


def _patch_predict_command(exec_module):
    def run(module):
        exec_module(module)
        manager = module._PredictManager
        cached_path, open_compressed = module.cached_path, module.open_compressed

        def _get_json_data(self):
            """Each non-blank input line as the predictor loads it; a line it cannot load is a
            ``DataFormatError`` naming the file and the line number."""
            # imported here, not at hook time: allennlp.commands is still loading then
            from textflix_lib.data.errors import DataFormatError

            source = "<stdin>" if self._input_file == "-" else self._input_file
            # bytes, split at b"\n" only (JSON Lines), each line decoded as UTF-8 by itself, so
            # that bad bytes name their line and no other character ends a line
            if self._input_file == "-":
                # a text stream without bytes underneath (a test's StringIO) is read line by line
                opened = None
                handle = getattr(sys.stdin, "buffer", None) or (line.encode("utf-8", "surrogatepass")
                                                                for line in sys.stdin)
            else:
                opened = handle = open_compressed(cached_path(self._input_file), mode="rb", encoding=None)
            try:
                for number, raw in enumerate(handle, start=1):
                    try:
                        line = raw.decode("utf-8")
                    except UnicodeDecodeError as error:
                        raise DataFormatError(source, f"is not valid UTF-8 (byte {error.start} of the line); "
                                              "save the file as UTF-8", number) from None
                    if number == 1:
                        line = line.removeprefix("\ufeff")  # a byte-order mark, as editors write it
                    if not line.strip():
                        continue
                    try:
                        yield self._predictor.load_line(line)
                    except Exception as error:  # noqa: BLE001 - any parse failure gets the line number
                        raise DataFormatError(
                            source, f"cannot read this line ({type(error).__name__}: {error}); "
                            "expected one JSON object per line, like {\"text\": \"...\"}", number
                        ) from error
            finally:
                if opened is not None:
                    opened.close()

        manager._get_json_data = _get_json_data
        original_get_predictor = module._get_predictor

        def _get_predictor(args):
            """AllenNLP's `_get_predictor`, building the predictor with textflix's
            `predictor_from_archive` (textflix's predictors score in the archive's precision)."""
            import json

            from textflix_lib.predictors.base import predictor_from_archive

            module.check_for_gpu(args.cuda_device)
            archive = module.load_archive(args.archive_file, weights_file=args.weights_file,
                                          cuda_device=args.cuda_device, overrides=args.overrides)
            text = args.predictor_args.strip()
            return predictor_from_archive(archive, args.predictor, dataset_reader_to_load=args.dataset_reader_choice,
                                          predictor_args=json.loads(text) if text else {})

        _get_predictor.__wrapped__ = original_get_predictor
        module._get_predictor = _get_predictor

    return run


AMP_DTYPES = {"bfloat16": "bfloat16", "bf16": "bfloat16", "float16": "float16", "fp16": "float16", "half": "float16"}


def amp_dtype(capability=None):
    """The dtype AllenNLP's ``use_amp`` autocasts to: ``TEXTFLIX_AMP_DTYPE`` if set (bfloat16 or
    float16), else bfloat16 where the GPU computes in it natively (``capability``, the CUDA
    compute capability as (major, minor), 8.0 or more; by default the current GPU's), else float16.
    """
    import torch

    chosen = os.environ.get("TEXTFLIX_AMP_DTYPE", "").strip().lower()
    if chosen and chosen != "auto":
        if chosen not in AMP_DTYPES:
            raise ValueError(f"TEXTFLIX_AMP_DTYPE must be bfloat16, float16 or auto, got {chosen!r}")
        return getattr(torch, AMP_DTYPES[chosen])
    if capability is None:
        capability = _cuda_capability()
    return torch.bfloat16 if capability is not None and tuple(capability) >= (8, 0) else torch.float16


def _cuda_capability():
    import torch

    if not torch.cuda.is_available():
        return None
    return torch.cuda.get_device_capability()


def _attention_without_cudnn():
    """A context that lets scaled_dot_product_attention use flash, memory-efficient or math
    kernels but not cuDNN's (unless TEXTFLIX_AMP_CUDNN_ATTENTION=1). On Hopper GPUs torch picks
    cuDNN attention for float16/bfloat16, and cuDNN builds an execution plan for every new input
    shape: with AllenNLP's length-bucketed batches nearly every batch is a new shape, and an
    H200 epoch of BERT-large took 2-6 times longer than in float32 (docs/gpu.md)."""
    import contextlib

    if os.environ.get("TEXTFLIX_AMP_CUDNN_ATTENTION") == "1":
        return contextlib.nullcontext()
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel
    except ImportError:  # torch before 2.3: no cuDNN attention either
        return contextlib.nullcontext()
    return sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH])


class _MixedPrecision:
    """``torch.amp.autocast("cuda", dtype)`` with attention kept off cuDNN (see above)."""

    def __init__(self, dtype, cache_enabled=True):
        import torch

        self.autocast = torch.amp.autocast("cuda", dtype=dtype, enabled=True, cache_enabled=cache_enabled)
        self.attention = _attention_without_cudnn()

    def __enter__(self):
        import contextlib

        self._stack = contextlib.ExitStack()
        self._stack.enter_context(self.attention)
        self._stack.enter_context(self.autocast)
        return self

    def __exit__(self, *exc_info):
        return self._stack.__exit__(*exc_info)


class _CudaAmp:
    """What ``gradient_descent_trainer`` calls as ``amp`` (it did ``from torch.cuda import amp``):
    ``autocast(enabled)`` and ``GradScaler()``, through the non-deprecated ``torch.amp`` API."""

    @staticmethod
    def autocast(enabled=True, dtype=None, cache_enabled=True):
        import torch

        if not enabled:  # AllenNLP enters autocast(False) at every batch when AMP is off
            return torch.amp.autocast("cuda", enabled=False)
        return _MixedPrecision(dtype or amp_dtype(), cache_enabled)

    @staticmethod
    def GradScaler(*args, **kwargs):  # noqa: N802 - the name AllenNLP calls
        import torch

        return torch.amp.GradScaler("cuda", *args, **kwargs)


def _on_cpu(cuda_device) -> bool:
    """Whether a trainer given `cuda_device` runs on the CPU (None: the first GPU if any, as
    AllenNLP decides)."""
    import torch

    if cuda_device is None:
        return torch.cuda.device_count() == 0
    if isinstance(cuda_device, torch.device):
        return cuda_device.type == "cpu"
    return int(cuda_device) < 0


CPU_AMP_SETTINGS = {"auto": "auto", "bfloat16": "bfloat16", "bf16": "bfloat16", "float32": "float32", "fp32": "float32"}
_warned_emulated_bfloat16 = False


@functools.lru_cache(maxsize=None)
def cpu_has_bfloat16() -> bool:
    """Whether this CPU computes in bfloat16 natively (oneDNN's check: AVX512-BF16 or AMX)."""
    import torch

    return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def cpu_amp_dtype():
    """The dtype mixed precision (``use_amp``, the ``mixed_precision`` options) computes in on a
    CPU, or None for float32. ``TEXTFLIX_CPU_AMP``: ``auto`` (the default) is bfloat16 where the
    CPU has bfloat16 units and float32 elsewhere, since torch then emulates bfloat16 and a
    MiniLM training step took 7 times as long as in float32 (docs/models.md), with a warning
    once; ``bfloat16`` always (emulated if need be: to reproduce a bfloat16 run's numbers);
    ``float32`` never."""
    import torch

    global _warned_emulated_bfloat16
    chosen = os.environ.get("TEXTFLIX_CPU_AMP", "").strip().lower() or "auto"
    if chosen not in CPU_AMP_SETTINGS:
        raise ValueError(f"TEXTFLIX_CPU_AMP must be auto, bfloat16 or float32, got {chosen!r}")
    chosen = CPU_AMP_SETTINGS[chosen]
    if chosen == "bfloat16" or (chosen == "auto" and cpu_has_bfloat16()):
        return torch.bfloat16
    if chosen == "auto" and not _warned_emulated_bfloat16:
        import logging

        _warned_emulated_bfloat16 = True
        logging.getLogger("textflix_compat").warning(
            "mixed precision on the CPU: this CPU has no bfloat16 arithmetic (torch would emulate it, several "
            "times slower than float32), so it computes in float32; TEXTFLIX_CPU_AMP=bfloat16 forces bfloat16")
    return None


def _modern_amp_in_trainer(exec_module):
    def run(module):
        exec_module(module)
        import torch

        module.amp = _CudaAmp
        trainer = module.GradientDescentTrainer
        original_init = trainer.__init__

        import inspect

        signature = inspect.signature(original_init)

        def __init__(self, *args, **kwargs):
            bound = signature.bind(self, *args, **kwargs)
            cpu_amp = bool(bound.arguments.get("use_amp")) and _on_cpu(bound.arguments.get("cuda_device"))
            if cpu_amp:  # AllenNLP would refuse it: it trains without AMP, the forward autocast below
                bound.arguments["use_amp"] = False
            original_init(*bound.args, **bound.kwargs)
            cpu_dtype = cpu_amp_dtype() if cpu_amp else None
            self._cpu_amp = cpu_dtype is not None
            self._amp_dtype = amp_dtype() if self._use_amp else cpu_dtype
            if self._cpu_amp:
                import logging

                logging.getLogger("textflix_compat").info(
                    "use_amp on the CPU: forward passes in bfloat16 (torch.amp.autocast('cpu'))")
            # bfloat16 has float32's exponent range: no loss scaling, and the trainer takes its
            # plain path (loss.backward(), optimizer.step())
            if self._amp_dtype == torch.bfloat16 and self._ddp_wrapped_model is None:
                self._scaler = None

        original_batch_outputs = trainer.batch_outputs

        def batch_outputs(self, batch, for_training):
            if getattr(self, "_cpu_amp", False):
                with torch.amp.autocast("cpu", dtype=torch.bfloat16):
                    return original_batch_outputs(self, batch, for_training)
            return original_batch_outputs(self, batch, for_training)

        __init__.__doc__ = original_init.__doc__
        __init__.__wrapped__ = original_init
        trainer.__init__ = __init__
        batch_outputs.__doc__ = original_batch_outputs.__doc__
        batch_outputs.__wrapped__ = original_batch_outputs
        trainer.batch_outputs = batch_outputs

    return run


_WRAPPERS = {
    "allennlp.data.image_loader": _with_stand_in_torchvision,
    "allennlp.modules.vision": _with_stand_in_torchvision,
    "allennlp.training.optimizers": _provide_transformers_adamw,
    "allennlp.common.cached_transformers": _drop_add_special_tokens,
    "allennlp.commands.predict": _patch_predict_command,
    "allennlp.training.gradient_descent_trainer": _modern_amp_in_trainer,
}


class _PatchingFinder(importlib.abc.MetaPathFinder):
    """Finds the AllenNLP modules we patch with the normal machinery, then wraps their loading."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in _WRAPPERS:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or getattr(loader, "_textflix_patched", False):
            return spec
        wrap = _WRAPPERS[fullname]

        class _Loader(importlib.abc.Loader):
            _textflix_patched = True

            def create_module(self, spec):
                return loader.create_module(spec)

            def exec_module(self, module):
                return wrap(loader.exec_module)(module)

        spec.loader = _Loader()
        return spec


def install() -> None:
    """Install the import hooks (idempotent). Patches modules only if they are not loaded yet."""
    if os.environ.get("TEXTFLIX_NO_COMPAT"):
        return
    if any(isinstance(finder, _PatchingFinder) for finder in sys.meta_path):
        return
    already = _PATCHED_MODULES & set(sys.modules)
    if already:
        import warnings

        warnings.warn(f"textflix compat loaded after {sorted(already)}; those modules stay unpatched")
    sys.meta_path.insert(0, _PatchingFinder())


install()
