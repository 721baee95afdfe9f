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
