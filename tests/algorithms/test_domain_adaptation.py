"""Masked-LM domain adaptation (`textflix_lib.algorithms.domain_adaptation`) of a tiny BERT built
in the test, on a few dozen real reviews of the training pool."""
import json

import pytest
import torch
from safetensors.torch import load_file

from textflix_lib.algorithms.domain_adaptation import ADAPTATION_FILE, adapt_encoder, segment, text_fingerprint


@pytest.fixture(scope="module")
def pool_texts(split):
    return [review.text for review in split.train[:32]]


@pytest.fixture(scope="module")
def adapted(tiny_bert, pool_texts, tmp_path_factory):
    out = tmp_path_factory.mktemp("adapted") / "encoder"
    report = adapt_encoder(str(tiny_bert), pool_texts, str(out), epochs=4, learning_rate=2e-3, batch_size=8,
                           max_length=48, held_out_fraction=0.25, seed=3, device="cpu")
    return out, report


def test_segments_cover_every_word_piece_once_within_the_length(tiny_bert, pool_texts):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_bert))
    pieces = segment(pool_texts[:5], tokenizer, 20)
    assert all(len(p) <= 20 and p[0] == tokenizer.cls_token_id and p[-1] == tokenizer.sep_token_id for p in pieces)
    bodies = [i for p in pieces for i in p[1:-1]]
    expected = [i for t in pool_texts[:5] for i in tokenizer(t, add_special_tokens=False)["input_ids"]]
    assert bodies == expected
    with pytest.raises(ValueError, match="max_length"):
        segment(pool_texts[:1], tokenizer, 4)


def test_adaptation_lowers_the_held_out_masked_lm_loss_and_keeps_the_pooler(tiny_bert, adapted, pool_texts):
    out, report = adapted
    losses = [entry["held_out_mlm_loss"] for entry in report["losses"]]
    assert report["held_out_texts"] == 8 and report["train_texts"] == 24
    assert losses[-1] < losses[0] - 0.5, losses
    assert report["corpus_sha1"] == text_fingerprint(pool_texts) and report["steps"] == report["planned_steps"]
    assert json.loads((out / ADAPTATION_FILE).read_text())["losses"] == report["losses"]
    before, after = load_file(str(tiny_bert / "model.safetensors")), load_file(str(out / "model.safetensors"))
    assert set(before) == set(after)  # the same checkpoint layout: no MLM head, the pooler kept
    assert all(torch.equal(before[k], after[k]) for k in before if k.startswith("pooler."))
    changed = [k for k in before if k.startswith("encoder.") and not torch.equal(before[k], after[k])]
    assert len(changed) > 10


def test_adapted_encoder_loads_where_any_transformer_name_goes(adapted, pool_texts):
    from allennlp.modules.token_embedders import PretrainedTransformerEmbedder

    from tests.helpers import transformer_tensors

    out, _ = adapted
    tensors = transformer_tensors(str(out), pool_texts[:3])
    embedder = PretrainedTransformerEmbedder(str(out))
    embedded = embedder(tensors["token_ids"], tensors["mask"], tensors["type_ids"])
    assert embedded.shape[:2] == tensors["token_ids"].shape and torch.isfinite(embedded).all()


def test_a_seed_gives_the_same_encoder(tiny_bert, pool_texts, tmp_path):
    def run(name, seed):
        adapt_encoder(str(tiny_bert), pool_texts[:12], str(tmp_path / name), epochs=1, learning_rate=1e-3,
                      batch_size=4, max_length=32, held_out_fraction=0.0, seed=seed, device="cpu")
        return load_file(str(tmp_path / name / "model.safetensors"))

    first, again, other = run("a", 1), run("b", 1), run("c", 2)
    assert all(torch.equal(first[k], again[k]) for k in first)
    assert not all(torch.equal(first[k], other[k]) for k in first)


def test_bad_settings_are_refused(tiny_bert, pool_texts, tmp_path):
    with pytest.raises(ValueError, match="at least 2 non-empty texts"):
        adapt_encoder(str(tiny_bert), ["one", "  "], str(tmp_path / "x"))
    with pytest.raises(ValueError, match="held_out_fraction"):
        adapt_encoder(str(tiny_bert), pool_texts, str(tmp_path / "x"), held_out_fraction=1.0)


def test_an_interrupted_adaptation_resumes_to_the_same_encoder(tiny_bert, pool_texts, tmp_path):
    settings = dict(epochs=3, learning_rate=1e-3, batch_size=4, max_length=32, held_out_fraction=0.2, seed=5,
                    device="cpu")
    whole = adapt_encoder(str(tiny_bert), pool_texts[:12], str(tmp_path / "whole"), **settings)

    epochs_seen = []

    def interrupt_in_epoch_3(batches):
        epochs_seen.append(1)
        for number, batch in enumerate(batches):
            if len(epochs_seen) == 3 and number == 1:
                raise KeyboardInterrupt
            yield batch

    with pytest.raises(KeyboardInterrupt):
        adapt_encoder(str(tiny_bert), pool_texts[:12], str(tmp_path / "cut"), progress=interrupt_in_epoch_3, **settings)
    assert (tmp_path / "cut" / "checkpoint.pt").exists() and not (tmp_path / "cut" / ADAPTATION_FILE).exists()
    with pytest.raises(ValueError, match="belongs to another adaptation"):
        adapt_encoder(str(tiny_bert), pool_texts[:11], str(tmp_path / "cut"), **settings)
    resumed = adapt_encoder(str(tiny_bert), pool_texts[:12], str(tmp_path / "cut"), **settings)
    assert resumed["resumed_after_epoch"] == 2 and resumed["losses"] == whole["losses"]
    assert not (tmp_path / "cut" / "checkpoint.pt").exists()
    first, again = load_file(str(tmp_path / "whole" / "model.safetensors")), load_file(str(tmp_path / "cut" / "model.safetensors"))
    assert all(torch.equal(first[k], again[k]) for k in first)


def test_the_masked_positions_only_loss_equals_the_models_own(tiny_bert, pool_texts):
    from transformers import AutoModelForMaskedLM, AutoTokenizer, DataCollatorForLanguageModeling

    from textflix_lib.algorithms.domain_adaptation import _masked_lm_loss

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_bert))
    model = AutoModelForMaskedLM.from_pretrained(str(tiny_bert)).eval()
    torch.manual_seed(0)
    batch = DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15)(
        [{"input_ids": ids} for ids in segment(pool_texts[:6], tokenizer, 40)])
    assert int((batch["labels"] != -100).sum()) > 0
    with torch.no_grad():
        assert float(_masked_lm_loss(model, batch)) == pytest.approx(float(model(**batch).loss), rel=1e-5)
