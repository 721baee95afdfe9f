"""Domain-adaptive pretraining of a BERT-family encoder: masked-language modelling on unlabelled text.

ULMFiT fine-tuned its language model on the target corpus before the classifier saw a label;
Gururangan et al. (2020, "Don't Stop Pretraining") showed the same for transformers
(domain- and task-adaptive pretraining). This module does it for a local encoder directory
(the packaged MiniLM, or any BERT-family checkpoint): the texts are cut into contiguous
pieces of at most `max_length` word pieces, 15% of their word pieces are masked as BERT did
(`transformers.DataCollatorForLanguageModeling`: 80% [MASK], 10% random, 10% kept), and the
encoder is trained with AdamW and a linear warm-up/decay schedule. A random `held_out_fraction`
of the texts is kept out of training and scores the masked-LM loss before and after each epoch.

The adapted encoder is saved like the original (config, weights, tokenizer files) with a
`textflix_adaptation.json` that says what it was adapted on, so any config that takes a
transformer name takes its directory. Only the encoder's weights are replaced: the
checkpoint's pooler layer (unused by mean pooling) is kept as it was, the MLM head is dropped.

Plain Python, torch and transformers: no AllenNLP here (`textflix_lib.commands.adapt_encoder`
is the command line).
"""
import hashlib
import json
import math
import os
import random
import time
from typing import Callable, Dict, Iterable, List, Optional, Sequence

import numpy as np
import torch

ADAPTATION_FILE = "textflix_adaptation.json"
CHECKPOINT_FILE = "checkpoint.pt"


def text_fingerprint(texts: Sequence[str]) -> str:
    """sha1 of the texts in order: names the corpus an encoder was adapted on."""
    digest = hashlib.sha1()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def segment(texts: Iterable[str], tokenizer, max_length: int) -> List[List[int]]:
    """Each text's word pieces in contiguous pieces of at most `max_length - 2` (room for [CLS]
    and [SEP]), special tokens added; texts with no word piece give nothing."""
    if max_length < 8:
        raise ValueError(f"max_length must be at least 8 word pieces, got {max_length}")
    body = max_length - 2
    pieces: List[List[int]] = []
    texts = list(texts)
    for start in range(0, len(texts), 1000):
        encoded = tokenizer(texts[start:start + 1000], add_special_tokens=False, truncation=False)["input_ids"]
        for ids in encoded:
            for at in range(0, len(ids), body):
                pieces.append(tokenizer.build_inputs_with_special_tokens(ids[at:at + body]))
    return pieces


def _batches(pieces: List[List[int]], batch_size: int, rng: random.Random, shuffle: bool) -> List[List[List[int]]]:
    order = list(range(len(pieces)))
    if shuffle:
        rng.shuffle(order)
    return [[pieces[i] for i in order[at:at + batch_size]] for at in range(0, len(order), batch_size)]


def _masked_batch(collator, batch: List[List[int]], generator: torch.Generator) -> Dict[str, torch.Tensor]:
    # the collator draws its masks from torch's global generator: seed it from ours so that a
    # seed gives the same masks whatever ran before
    torch.manual_seed(int(torch.randint(0, 2 ** 31 - 1, (1,), generator=generator)))
    return collator([{"input_ids": ids} for ids in batch])


def _masked_lm_loss(model, inputs: Dict[str, torch.Tensor]) -> torch.Tensor:
    """Cross-entropy of the masked word pieces. For BERT-family models (an encoder and a `cls`
    head) the vocabulary projection runs on the masked positions only: the full
    (batch x length x vocabulary) logits of `BertForMaskedLM` are ~7 times the work and, at 64
    pieces of 256 word pieces, a 2 GB float32 tensor (measured on the CPU: 1.7 times faster
    without them). Other models compute their own loss."""
    head = getattr(model, "cls", None)
    encoder = getattr(model, getattr(model, "base_model_prefix", ""), None)
    if head is None or encoder is None:
        return model(**inputs).loss
    labels = inputs["labels"]
    hidden = encoder(input_ids=inputs["input_ids"], attention_mask=inputs.get("attention_mask"),
                     token_type_ids=inputs.get("token_type_ids")).last_hidden_state
    where = labels != -100
    logits = head(hidden[where])
    return torch.nn.functional.cross_entropy(logits.float(), labels[where])


def _held_out_loss(model, collator, pieces, batch_size, device, autocast_dtype, seed) -> float:
    if not pieces:
        return None
    model.eval()
    generator = torch.Generator().manual_seed(seed)  # the same masks every time it is scored
    total, count = 0.0, 0
    with torch.no_grad():
        for batch in _batches(pieces, batch_size, random.Random(seed), shuffle=False):
            inputs = {k: v.to(device) for k, v in _masked_batch(collator, batch, generator).items()}
            masked = int((inputs["labels"] != -100).sum())
            if not masked:
                continue
            with torch.autocast(device.type, dtype=autocast_dtype, enabled=autocast_dtype is not None):
                loss = _masked_lm_loss(model, inputs)
            total += float(loss) * masked
            count += masked
    model.train()
    return total / count if count else None


def adapt_encoder(model_dir: str, texts: Sequence[str], output_dir: str, *, epochs: float = 4.0,
                  learning_rate: float = 1e-4, batch_size: int = 64, max_length: int = 256,
                  mlm_probability: float = 0.15, warmup_fraction: float = 0.06, weight_decay: float = 0.01,
                  held_out_fraction: float = 0.02, seed: int = 0, device: Optional[str] = None,
                  mixed_precision: bool = True, max_seconds: Optional[float] = None,
                  corpus_name: str = "", progress: Optional[Callable[[Iterable], Iterable]] = None) -> Dict:
    """Masked-LM training of the encoder in `model_dir` on `texts`; the adapted encoder is saved to
    `output_dir`. Returns (and writes to `output_dir/textflix_adaptation.json`) the settings, the
    corpus fingerprint, the held-out masked-LM loss before and after each epoch, and the time.

    `epochs` may be fractional. `max_seconds` stops training at the end of the first optimizer step
    past it (the schedule is not stretched; the report says so). On a CUDA device with
    `mixed_precision`, autocast runs in bfloat16 where the GPU computes in it.

    After every epoch the training state (weights, optimizer, schedule, random generators, losses)
    is saved to `output_dir/checkpoint.pt`; a run with the same settings, source and texts resumes
    from it after an interruption, and the finished run deletes it."""
    from transformers import (AutoModelForMaskedLM, AutoTokenizer, DataCollatorForLanguageModeling,
                              get_linear_schedule_with_warmup)

    texts = [t for t in texts if isinstance(t, str) and t.strip()]
    if len(texts) < 2:
        raise ValueError(f"need at least 2 non-empty texts to adapt an encoder on, got {len(texts)}")
    if not 0 <= held_out_fraction < 1:
        raise ValueError(f"held_out_fraction must be in [0, 1), got {held_out_fraction}")
    if epochs <= 0 or batch_size < 1 or learning_rate <= 0:
        raise ValueError("epochs, batch_size and learning_rate must be positive, "
                         f"got {epochs}, {batch_size}, {learning_rate}")
    started = time.time()
    device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    autocast_dtype = None
    if mixed_precision and device.type == "cuda":
        autocast_dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForMaskedLM.from_pretrained(model_dir, torch_dtype=torch.float32).to(device)
    model.train()
    collator = DataCollatorForLanguageModeling(tokenizer, mlm=True, mlm_probability=mlm_probability)

    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    n_held = int(round(held_out_fraction * len(texts)))
    held_texts = [texts[i] for i in sorted(order[:n_held])]
    train_texts = [texts[i] for i in sorted(order[n_held:])]
    train_pieces = segment(train_texts, tokenizer, max_length)
    held_pieces = segment(held_texts, tokenizer, max_length)

    steps_per_epoch = math.ceil(len(train_pieces) / batch_size)
    total_steps = max(1, int(round(epochs * steps_per_epoch)))
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)],
         "weight_decay": weight_decay},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=learning_rate)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(warmup_fraction * total_steps), total_steps)
    scaler = torch.amp.GradScaler("cuda") if autocast_dtype == torch.float16 else None

    settings = {"epochs": epochs, "learning_rate": learning_rate, "batch_size": batch_size,
                "max_length": max_length, "mlm_probability": mlm_probability,
                "warmup_fraction": warmup_fraction, "weight_decay": weight_decay,
                "held_out_fraction": held_out_fraction, "seed": seed}
    identity = {"settings": settings, "source": os.path.abspath(model_dir) if os.path.isdir(model_dir) else model_dir,
                "corpus_sha1": text_fingerprint(texts)}
    generator = torch.Generator().manual_seed(seed + 1)
    rng = random.Random(seed + 2)
    step, stopped_early, running = 0, False, []
    epoch = 0
    checkpoint = os.path.join(output_dir, CHECKPOINT_FILE)
    resumed_from = None
    if os.path.exists(checkpoint):
        state = torch.load(checkpoint, map_location="cpu", weights_only=False)
        if state["identity"] != identity:
            raise ValueError(f"{checkpoint} belongs to another adaptation (settings, source or texts differ); "
                             "delete it or choose another output directory")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        if scaler is not None and state.get("scaler"):
            scaler.load_state_dict(state["scaler"])
        generator.set_state(state["generator"])
        rng.setstate(state["rng"])
        step, epoch, losses = state["step"], state["epoch"], state["losses"]
        resumed_from = epoch
    else:
        losses = [{"epoch": 0, "step": 0, "held_out_mlm_loss": _held_out_loss(
            model, collator, held_pieces, batch_size, device, autocast_dtype, seed)}]
    loop_started, steps_before = time.time(), step
    while step < total_steps and not stopped_early:
        epoch += 1
        batches = _batches(train_pieces, batch_size, rng, shuffle=True)[:total_steps - step]
        iterator = progress(batches) if progress else batches
        for batch in iterator:
            masked = _masked_batch(collator, batch, generator)
            if not bool((masked["labels"] != -100).any()):  # nothing masked (a tiny batch): no loss
                continue
            inputs = {k: v.to(device, non_blocking=True) for k, v in masked.items()}
            with torch.autocast(device.type, dtype=autocast_dtype, enabled=autocast_dtype is not None):
                loss = _masked_lm_loss(model, inputs)
            optimizer.zero_grad(set_to_none=True)
            if scaler is not None:
                scaler.scale(loss).backward()
                scaler.unscale_(optimizer)
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                scaler.step(optimizer)
                scaler.update()
            else:
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
            scheduler.step()
            step += 1
            running.append(loss.detach())
            if max_seconds is not None and time.time() - started > max_seconds:
                stopped_early = True
                break
        train_loss = float(torch.stack(running).mean()) if running else None
        losses.append({"epoch": epoch, "step": step, "train_mlm_loss": train_loss,
                       "held_out_mlm_loss": _held_out_loss(model, collator, held_pieces, batch_size, device,
                                                           autocast_dtype, seed)})
        if not running:  # no batch of this epoch had a masked word piece
            break
        running = []
        if step < total_steps and not stopped_early:
            os.makedirs(output_dir, exist_ok=True)
            torch.save({"identity": identity, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                        "scheduler": scheduler.state_dict(), "scaler": scaler.state_dict() if scaler else None,
                        "generator": generator.get_state(), "rng": rng.getstate(), "step": step, "epoch": epoch,
                        "losses": losses}, checkpoint + ".tmp")
            os.replace(checkpoint + ".tmp", checkpoint)

    loop_ended = time.time()
    _save_encoder(model, model_dir, tokenizer, output_dir)
    if os.path.exists(checkpoint):
        os.remove(checkpoint)
    report = {
        "source": os.path.abspath(model_dir) if os.path.isdir(model_dir) else model_dir,
        "corpus": corpus_name, "texts": len(texts), "corpus_sha1": identity["corpus_sha1"],
        "train_texts": len(train_texts), "held_out_texts": len(held_texts),
        "train_pieces": len(train_pieces), "held_out_pieces": len(held_pieces),
        "settings": settings, "resumed_after_epoch": resumed_from,
        "device": str(device) + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else ""),
        "autocast": str(autocast_dtype).replace("torch.", "") if autocast_dtype else "float32",
        "steps": step, "planned_steps": total_steps, "stopped_early": stopped_early,
        "losses": losses, "seconds": round(time.time() - started, 1),
        # this run's training loop alone (held-out scoring included), and its optimizer steps
        "loop_seconds": round(loop_ended - loop_started, 1), "loop_steps": step - steps_before,
    }
    with open(os.path.join(output_dir, ADAPTATION_FILE), "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1)
    return report


def _save_encoder(mlm_model, model_dir: str, tokenizer, output_dir: str) -> None:
    """The original checkpoint (with its pooler) carrying the adapted encoder weights, in float32."""
    from transformers import AutoModel

    base = AutoModel.from_pretrained(model_dir, torch_dtype=torch.float32)
    prefix = mlm_model.base_model_prefix  # "bert"
    adapted = {k: v.detach().float().cpu() for k, v in getattr(mlm_model, prefix).state_dict().items()}
    missing, unexpected = base.load_state_dict(adapted, strict=False)
    if unexpected or any(not k.startswith("pooler.") for k in missing):
        raise RuntimeError(f"adapted weights do not fit {model_dir}: missing {missing}, unexpected {unexpected}")
    os.makedirs(output_dir, exist_ok=True)
    base.save_pretrained(output_dir, safe_serialization=True)
    tokenizer.save_pretrained(output_dir)
