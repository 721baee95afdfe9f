"""textflix_compat: AllenNLP 2.10.1's imports and the patched call sites work on this stack."""
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch


def test_loaded_before_allennlp_by_the_pth_file():
    code = "import sys; print('textflix_compat' in sys.modules, 'allennlp' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False"]


def test_allennlp_imports_every_module_without_torchvision():
    from allennlp.common.plugins import import_plugins

    import_plugins()  # imports all of allennlp, as every `allennlp` command does
    import allennlp.data.image_loader  # noqa: F401
    assert "torchvision" not in sys.modules or not isinstance(sys.modules["torchvision"], type(sys))


def test_vision_stand_in_explains_itself():
    from allennlp.modules.vision import region_detector

    with pytest.raises(ImportError, match="torchvision is not installed"):
        region_detector.torchvision.models.detection.fasterrcnn_resnet50_fpn(pretrained=False)


def test_huggingface_adamw_optimizer_steps():
    from allennlp.common import Params
    from allennlp.training.optimizers import Optimizer

    weight = torch.nn.Parameter(torch.ones(3))
    optimizer = Optimizer.from_params(model_parameters=[("w", weight)],
                                      params=Params({"type": "huggingface_adamw", "lr": 0.1}))
    weight.sum().backward()
    optimizer.step()
    assert torch.all(weight < 1)


def test_get_tokenizer_accepts_add_special_tokens(tmp_path):
    from allennlp.common import cached_transformers

    (tmp_path / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "film"]))
    from transformers import BertTokenizerFast

    BertTokenizerFast(vocab_file=str(tmp_path / "vocab.txt")).save_pretrained(str(tmp_path))
    tokenizer = cached_transformers.get_tokenizer(str(tmp_path), add_special_tokens=False)
    assert tokenizer.tokenize("good film") == ["good", "film"]


BAD_THIRD_LINE = '{"text": "fine"}\n\n{"text": "broken\n'


def read_predict_input(predictor, input_file):
    from allennlp.commands.predict import _PredictManager

    manager = _PredictManager(predictor, input_file, output_file=None, batch_size=1,
                              print_to_console=False, has_dataset_reader=False)
    return manager._get_json_data()


def test_predict_input_reader_names_the_file_and_the_line(nbsvm_archive, tmp_path, monkeypatch):
    from allennlp.predictors import Predictor

    from textflix_lib.data.errors import DataFormatError

    predictor = Predictor.from_path(str(nbsvm_archive), "sentiment")
    good = tmp_path / "good.jsonl"
    good.write_text('{"text": "fine"}\n\n{"text": "also fine", "id": 7}\n', encoding="utf-8")
    assert list(read_predict_input(predictor, str(good))) == [{"text": "fine"}, {"text": "also fine", "id": 7}]

    bad = tmp_path / "bad.jsonl"
    bad.write_text(BAD_THIRD_LINE, encoding="utf-8")
    lines = read_predict_input(predictor, str(bad))
    assert next(lines) == {"text": "fine"}
    with pytest.raises(DataFormatError, match="cannot read this line") as caught:
        next(lines)
    assert (caught.value.path, caught.value.line) == (str(bad), 3)

    monkeypatch.setattr(sys, "stdin", io.StringIO('{"text": "fine"}\nnot json\n'))
    with pytest.raises(DataFormatError, match=r"^<stdin>, line 2: cannot read this line \(JSONDecodeError"):
        list(read_predict_input(predictor, "-"))


@pytest.mark.slow
def test_allennlp_predict_names_the_bad_line(nbsvm_archive, tmp_path):
    """The patch is in place in the plain `allennlp` command (loaded by the .pth file)."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text(BAD_THIRD_LINE, encoding="utf-8")
    allennlp = str(Path(sys.executable).parent / "allennlp")
    result = subprocess.run(
        [allennlp, "predict", str(nbsvm_archive), str(bad), "--predictor", "sentiment",
         "--output-file", str(tmp_path / "out.jsonl"), "--silent"],
        cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True,
        env={**os.environ, "ALLENNLP_LOG_LEVEL": "WARNING"},
    )
    assert result.returncode != 0
    assert f"{bad}, line 3: cannot read this line" in result.stderr


# --- mixed precision (use_amp): torch.amp instead of the deprecated torch.cuda.amp, bf16 where it exists

DEPRECATED_CUDA_AMP = r".*torch\.cuda\.amp"


def tiny_trainer(tmp_path, validation=False, **kwargs):
    """A real GradientDescentTrainer over a two-weight regression model and 8 instances (and
    the same 8 as validation data with `validation`)."""
    from allennlp.data import Instance, Vocabulary
    from allennlp.data.data_loaders import SimpleDataLoader
    from allennlp.data.fields import TensorField
    from allennlp.models import Model
    from allennlp.training import GradientDescentTrainer

    class Regression(Model):
        def __init__(self):
            super().__init__(Vocabulary())
            self.linear = torch.nn.Linear(2, 1)

        def forward(self, x, y):
            return {"loss": ((self.linear(x).squeeze(-1) - y) ** 2).mean()}

    torch.manual_seed(0)
    instances = [Instance({"x": TensorField(torch.randn(2)), "y": TensorField(torch.tensor(float(i % 2)))})
                 for i in range(8)]
    loader = SimpleDataLoader(instances, batch_size=4)
    model = Regression()
    loader.index_with(model.vocab)
    if validation:
        kwargs["validation_data_loader"] = SimpleDataLoader(instances, batch_size=4)
        kwargs["validation_data_loader"].index_with(model.vocab)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    return GradientDescentTrainer(model, optimizer, loader, num_epochs=2, serialization_dir=str(tmp_path),
                                  cuda_device=-1, enable_default_callbacks=False, **kwargs)


def test_trainer_trains_without_the_deprecated_cuda_amp_calls(tmp_path):
    """AllenNLP enters `amp.autocast(use_amp)` at every batch even with AMP off: unpatched, that
    is torch.cuda.amp.autocast, a FutureWarning each time (an error here)."""
    import warnings

    trainer = tiny_trainer(tmp_path)
    weight = trainer.model.linear.weight.detach().clone()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=DEPRECATED_CUDA_AMP, category=FutureWarning)
        metrics = trainer.train()
    assert metrics["epoch"] == 1 and not torch.equal(weight, trainer.model.linear.weight)
    assert trainer._scaler is None and trainer._amp_dtype is None


def test_use_amp_on_a_cpu_trains_the_forward_pass_in_bfloat16(tmp_path):
    """AllenNLP refuses use_amp on a CPU; with the compat layer (and TEXTFLIX_CPU_AMP=bfloat16, as
    conftest sets it on every CPU) the forward pass and loss run
    under torch's CPU autocast in bfloat16 (no gradient scaler), the weights stay float32, and
    validation runs in it too."""
    seen = []
    trainer = tiny_trainer(tmp_path, use_amp=True, validation=True)
    hook = trainer.model.linear.register_forward_hook(lambda module, args, output: seen.append(output.dtype))
    weight = trainer.model.linear.weight.detach().clone()
    metrics = trainer.train()
    hook.remove()
    assert trainer._cpu_amp and trainer._amp_dtype == torch.bfloat16 and trainer._scaler is None
    assert not trainer._use_amp  # AllenNLP's own (CUDA) AMP paths stay off
    assert seen and set(seen) == {torch.bfloat16}
    assert len(seen) == 2 * (2 + 2)  # 2 epochs of 2 training and 2 validation batches
    assert trainer.model.linear.weight.dtype == torch.float32
    assert not torch.equal(weight, trainer.model.linear.weight)
    assert "validation_loss" in metrics


@pytest.mark.parametrize("setting, has_bfloat16, expected", [
    ("auto", True, torch.bfloat16),
    ("auto", False, None),         # torch would emulate bfloat16: several times slower
    ("", False, None),             # auto is the default
    ("bfloat16", False, torch.bfloat16),
    ("BF16", True, torch.bfloat16),
    ("float32", True, None),
    ("fp32", False, None),
])
def test_cpu_mixed_precision_is_bfloat16_only_where_the_cpu_has_it(monkeypatch, setting, has_bfloat16, expected):
    import textflix_compat

    from textflix_lib.precision import autocast_dtype, inference_autocast

    monkeypatch.setenv("TEXTFLIX_CPU_AMP", setting)
    monkeypatch.setattr(textflix_compat, "cpu_has_bfloat16", lambda: has_bfloat16)
    assert textflix_compat.cpu_amp_dtype() == expected
    assert autocast_dtype("cpu") == expected and autocast_dtype("cpu", enabled=False) is None
    linear = torch.nn.Linear(4, 2)
    with inference_autocast("cpu"):
        out = linear(torch.randn(3, 4))
    assert out.dtype == (expected or torch.float32)


def test_a_bad_cpu_amp_setting_is_an_error_naming_it(monkeypatch):
    import textflix_compat

    monkeypatch.setenv("TEXTFLIX_CPU_AMP", "half")
    with pytest.raises(ValueError, match="TEXTFLIX_CPU_AMP must be auto, bfloat16 or float32, got 'half'"):
        textflix_compat.cpu_amp_dtype()


def test_use_amp_on_a_cpu_without_bfloat16_units_trains_in_float32(tmp_path, monkeypatch, caplog):
    import logging

    import textflix_compat

    monkeypatch.setenv("TEXTFLIX_CPU_AMP", "auto")
    monkeypatch.setattr(textflix_compat, "cpu_has_bfloat16", lambda: False)
    monkeypatch.setattr(textflix_compat, "_warned_emulated_bfloat16", False)
    seen = []
    with caplog.at_level(logging.WARNING, logger="textflix_compat"):
        trainer = tiny_trainer(tmp_path, use_amp=True, validation=True)
    trainer.model.linear.register_forward_hook(lambda module, args, output: seen.append(output.dtype))
    metrics = trainer.train()
    assert not trainer._cpu_amp and trainer._amp_dtype is None and not trainer._use_amp
    assert seen and set(seen) == {torch.float32} and "validation_loss" in metrics
    assert "no bfloat16 arithmetic" in caplog.text and "TEXTFLIX_CPU_AMP=bfloat16" in caplog.text


def test_without_use_amp_a_cpu_trainer_stays_in_float32(tmp_path):
    seen = []
    trainer = tiny_trainer(tmp_path)
    trainer.model.linear.register_forward_hook(lambda module, args, output: seen.append(output.dtype))
    trainer.train()
    assert not trainer._cpu_amp and set(seen) == {torch.float32}


def test_trainer_autocast_and_scaler_are_torch_amp_for_cuda():
    import warnings

    from allennlp.training import gradient_descent_trainer

    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=DEPRECATED_CUDA_AMP, category=FutureWarning)
        warnings.filterwarnings("ignore", message=".*(CUDA is not available|but CUDA is not available).*")
        off = gradient_descent_trainer.amp.autocast(False)
        on = gradient_descent_trainer.amp.autocast(True, dtype=torch.bfloat16)
        scaler = gradient_descent_trainer.amp.GradScaler()
    assert isinstance(off, torch.amp.autocast) and off.device == "cuda" and not off._enabled
    assert on.autocast.device == "cuda" and on.autocast.fast_dtype == torch.bfloat16
    assert isinstance(scaler, torch.amp.GradScaler) and scaler._device == "cuda"


def test_mixed_precision_keeps_attention_off_cudnn_inside_autocast_only(monkeypatch):
    """cuDNN attention builds a plan per input shape (slow with bucketed batches): the trainer's
    autocast switches it off for its block and restores the setting after."""
    import warnings

    from allennlp.training import gradient_descent_trainer

    monkeypatch.delenv("TEXTFLIX_AMP_CUDNN_ATTENTION", raising=False)
    before = (torch.backends.cuda.cudnn_sdp_enabled(), torch.backends.cuda.flash_sdp_enabled(),
              torch.backends.cuda.mem_efficient_sdp_enabled())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # autocast("cuda") without a GPU disables itself
        with gradient_descent_trainer.amp.autocast(True, dtype=torch.bfloat16):
            assert not torch.backends.cuda.cudnn_sdp_enabled()
            assert torch.backends.cuda.flash_sdp_enabled() and torch.backends.cuda.mem_efficient_sdp_enabled()
            query = torch.randn(1, 2, 4, 8)
            torch.nn.functional.scaled_dot_product_attention(query, query, query)  # still runs
        assert (torch.backends.cuda.cudnn_sdp_enabled(), torch.backends.cuda.flash_sdp_enabled(),
                torch.backends.cuda.mem_efficient_sdp_enabled()) == before
        monkeypatch.setenv("TEXTFLIX_AMP_CUDNN_ATTENTION", "1")
        with gradient_descent_trainer.amp.autocast(True, dtype=torch.bfloat16):
            assert torch.backends.cuda.cudnn_sdp_enabled() == before[0]


@pytest.mark.parametrize("capability, setting, expected", [
    ((9, 0), None, torch.bfloat16),      # H100 / H200
    ((8, 0), "auto", torch.bfloat16),    # A100
    ((7, 5), None, torch.float16),       # T4: no bfloat16 arithmetic
    ((7, 0), "", torch.float16),         # V100
    (None, None, torch.float16),         # no GPU (AllenNLP refuses use_amp there anyway)
    ((9, 0), "float16", torch.float16),  # the user's choice wins
    ((7, 5), "bf16", torch.bfloat16),
])
def test_amp_dtype_prefers_bfloat16_where_the_gpu_has_it(monkeypatch, capability, setting, expected):
    import textflix_compat

    if setting is None:
        monkeypatch.delenv("TEXTFLIX_AMP_DTYPE", raising=False)
    else:
        monkeypatch.setenv("TEXTFLIX_AMP_DTYPE", setting)
    assert textflix_compat.amp_dtype(capability) == expected


def test_amp_dtype_rejects_an_unknown_setting(monkeypatch):
    import textflix_compat

    monkeypatch.setenv("TEXTFLIX_AMP_DTYPE", "float8")
    with pytest.raises(ValueError, match="TEXTFLIX_AMP_DTYPE must be bfloat16, float16 or auto"):
        textflix_compat.amp_dtype((9, 0))
