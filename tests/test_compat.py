"""textflix_compat: AllenNLP 2.10.1's imports and the patched call sites work on this stack."""
import subprocess
import sys

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
