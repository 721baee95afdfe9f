"""Embed every review of the embedded split ONCE with a frozen sentence encoder (issue 10).

Mean pooling over word pieces (what all-MiniLM-L6-v2 was trained with), head+tail
truncation (the first ``head`` and the last ``max_len - 2 - head`` word pieces, as the
``head_tail`` tokenizer does). Batches are formed from length-sorted reviews so that padding
is small. Written incrementally: one ``part_XXXX.npz`` per ``--part-size`` reviews (in the
order of the texts file), skipped when it exists, so an interrupted job resumes.

Two steps, so that the expensive one can run anywhere (also on a machine without textflix):

    # here: the texts of the pool, validation and test splits, in a fixed order, no labels
    .venv/bin/python experiments/embed_pool.py texts runs/embeddings/texts.jsonl
    # anywhere with torch + transformers (a CPU here, or a GPU machine):
    .venv/bin/python experiments/embed_pool.py embed runs/embeddings/texts.jsonl runs/embeddings/minilm \
        --model DIR --variants ht256,ht512 [--limit 200] [--device cpu]

The embeddings hold float16 means (unnormalised) per variant; labels never leave this
machine (the texts file has split names and review ids only).
"""
import argparse
import json
import os
import sys
import time

import numpy as np

VARIANTS = {"ht256": (256, 128), "ht512": (512, 128)}  # name -> (max pieces incl. specials, head)


def write_texts(path):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from textflix_lib.data.imdb import embedded_split

    split = embedded_split()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for name in ("train", "validation", "test"):
            for review in split[name]:
                handle.write(json.dumps({"split": name, "id": review.metadata["review_id"], "text": review.text}) + "\n")
    print({name: len(split[name]) for name in ("train", "validation", "test")})


def head_tail(ids, max_len, head):
    keep = max_len - 2
    if len(ids) <= keep:
        return ids
    return ids[:head] + ids[len(ids) - (keep - head):]


def embed(texts_path, out_dir, model_dir, variants, part_size, batch_tokens, device, limit, threads):
    import torch
    from transformers import AutoModel, AutoTokenizer

    if threads:
        torch.set_num_threads(threads)
    rows = [json.loads(line) for line in open(texts_path, encoding="utf-8")]
    if limit:
        rows = rows[:limit]
    os.makedirs(out_dir, exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir, dtype=torch.float32).to(device).eval()
    if device != "cpu":
        model = model.half()
    cls, sep, pad = tokenizer.cls_token_id, tokenizer.sep_token_id, tokenizer.pad_token_id
    log = open(os.path.join(out_dir, "timing.jsonl"), "a")
    started = time.time()
    for first in range(0, len(rows), part_size):
        path = os.path.join(out_dir, f"part_{first // part_size:04d}.npz")
        if os.path.exists(path):
            continue
        chunk = rows[first : first + part_size]
        t0, c0 = time.time(), time.process_time()
        pieces = tokenizer([r["text"] for r in chunk], add_special_tokens=False)["input_ids"]
        result = {}
        for name in variants:
            max_len, head = VARIANTS[name]
            seqs = [[cls] + head_tail(p, max_len, head) + [sep] for p in pieces]
            order = np.argsort([len(s) for s in seqs])[::-1]
            out = np.zeros((len(seqs), model.config.hidden_size), dtype=np.float32)
            i = 0
            while i < len(order):
                longest = len(seqs[order[i]])
                size = max(1, batch_tokens // longest)
                batch = order[i : i + size]
                ids = torch.full((len(batch), longest), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), longest), dtype=torch.long)
                for j, k in enumerate(batch):
                    ids[j, : len(seqs[k])] = torch.tensor(seqs[k])
                    mask[j, : len(seqs[k])] = 1
                ids, mask = ids.to(device), mask.to(device)
                with torch.inference_mode():
                    hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state.float()
                    m = mask.unsqueeze(-1).float()
                    mean = (hidden * m).sum(1) / m.sum(1)
                out[batch] = mean.cpu().numpy()
                i += size
            result[name] = out.astype(np.float16)
        result["index"] = np.arange(first, first + len(chunk))
        np.savez(path + ".tmp.npz", **result)
        os.replace(path + ".tmp.npz", path)
        record = {
            "part": first // part_size, "reviews": len(chunk), "variants": list(variants), "device": device,
            "wall_s": round(time.time() - t0, 2), "cpu_s": round(time.process_time() - c0, 2),
            "word_pieces": int(sum(min(len(p) + 2, max(VARIANTS[v][0] for v in variants)) for p in pieces)),
            "load": os.getloadavg()[0],
        }
        log.write(json.dumps(record) + "\n")
        log.flush()
        print(record, f"elapsed {time.time() - started:.0f}s", flush=True)


def load(texts_path, out_dir, variant):
    """(rows of the texts file, float32 matrix of one variant) once every part is there."""
    rows = [json.loads(line) for line in open(texts_path, encoding="utf-8")]
    parts = sorted(f for f in os.listdir(out_dir) if f.startswith("part_") and f.endswith(".npz") and ".tmp" not in f)
    matrix = np.concatenate([np.load(os.path.join(out_dir, f))[variant] for f in parts]).astype(np.float32)
    if len(matrix) != len(rows):
        raise ValueError(f"{out_dir}: {len(matrix)} embeddings for {len(rows)} texts (unfinished?)")
    return rows, matrix


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("texts")
    t.add_argument("path")
    e = sub.add_parser("embed")
    e.add_argument("texts")
    e.add_argument("out_dir")
    e.add_argument("--model", default=None)
    e.add_argument("--variants", default="ht256")
    e.add_argument("--part-size", type=int, default=5120)
    e.add_argument("--batch-tokens", type=int, default=8192)
    e.add_argument("--device", default="cpu")
    e.add_argument("--limit", type=int, default=0)
    e.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.cmd == "texts":
        write_texts(args.path)
    else:
        model = args.model
        if model is None:
            sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
            from textflix_lib.resources import resolve_transformer

            model = resolve_transformer("minilm")
        embed(args.texts, args.out_dir, model, args.variants.split(","), args.part_size, args.batch_tokens,
              args.device, args.limit, args.threads)


if __name__ == "__main__":
    main()
