"""Shared data for the issue-10 experiments: the split, labels, the labelled sample per
(size, seed), the unlabelled pool (the rest of the training pool, labels hidden) and cached
features (binary uni+bigram matrix; frozen-encoder embeddings from embed_pool.py).

Validation and test reviews are never part of the unlabelled pool; the n-gram vocabulary is
built from the training pool's text only (unlabelled text: allowed), validation and test are
only transformed.
"""
import functools
import json
import os
import sys
import time

import numpy as np
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, REPO)
CACHE = os.path.join(REPO, "runs", "embeddings")
TEXTS = os.path.join(CACHE, "texts.jsonl")


@functools.lru_cache(maxsize=1)
def split_data():
    """(texts dict per split, label arrays per split (1 = positive), review ids per split)."""
    from textflix_lib.data.imdb import embedded_split
    from textflix_lib.data.labels import POSITIVE

    split = embedded_split()
    texts, labels, ids = {}, {}, {}
    for name in ("train", "validation", "test"):
        texts[name] = [r.text for r in split[name]]
        labels[name] = np.array([r.label == POSITIVE for r in split[name]], dtype=int)
        ids[name] = [r.metadata["review_id"] for r in split[name]]
    return texts, labels, ids


def labelled_indices(size, seed):
    """Indices (into the training pool) of the `balanced_sample` of `size` for `seed`, and the
    indices of the unlabelled rest."""
    from textflix_lib.data.imdb import balanced_sample, embedded_split

    split = embedded_split()
    position = {r.metadata["review_id"]: i for i, r in enumerate(split.train)}
    chosen = np.array(sorted(position[r.metadata["review_id"]] for r in balanced_sample(split.train, size, seed)))
    rest = np.setdiff1d(np.arange(len(split.train)), chosen)
    return chosen, rest


@functools.lru_cache(maxsize=1)
def ngram_features(min_df=2, high=2):
    """Binary uni+bigram matrices {split: csr}, Textflix preprocessing (NgramAnalyzer defaults),
    vocabulary from the training pool's text; cached in runs/embeddings/ngrams_min{min_df}.npz."""
    path = os.path.join(CACHE, f"ngrams_min{min_df}.npz" if high == 2 else f"ngrams1-{high}_min{min_df}.npz")
    if os.path.exists(path):
        data = np.load(path, allow_pickle=False)
        out = {}
        for name in ("train", "validation", "test"):
            out[name] = sp.csr_matrix(
                (data[name + "_data"], data[name + "_indices"], data[name + "_indptr"]), shape=tuple(data[name + "_shape"])
            )
        return out
    from sklearn.feature_extraction.text import CountVectorizer

    from textflix_lib.algorithms.text_features import NgramAnalyzer

    texts, _, _ = split_data()
    t0 = time.process_time()
    vectorizer = CountVectorizer(analyzer=NgramAnalyzer(ngram_range=(1, high)), binary=True, min_df=min_df, dtype=np.float32)
    out = {"train": vectorizer.fit_transform(texts["train"]).tocsr()}
    for name in ("validation", "test"):
        out[name] = vectorizer.transform(texts[name]).tocsr()
    print(f"n-gram features: {out['train'].shape[1]} columns, {time.process_time() - t0:.0f} s CPU", flush=True)
    arrays = {}
    for name, m in out.items():
        arrays.update({name + "_data": m.data, name + "_indices": m.indices, name + "_indptr": m.indptr,
                       name + "_shape": np.array(m.shape)})
    os.makedirs(CACHE, exist_ok=True)
    np.savez(path + ".tmp.npz", **arrays)
    os.replace(path + ".tmp.npz", path)
    return out


@functools.lru_cache(maxsize=4)
def embeddings(folder="minilm", variant="ht256"):
    """{split: float32 matrix} of a frozen-encoder variant, rows in split order."""
    sys.path.insert(0, HERE)
    from embed_pool import load

    rows, matrix = load(TEXTS, os.path.join(CACHE, folder), variant)
    _, _, ids = split_data()
    out, start = {}, 0
    for name in ("train", "validation", "test"):
        n = len(ids[name])
        block = rows[start : start + n]
        assert [r["id"] for r in block] == ids[name] and all(r["split"] == name for r in block)
        out[name] = matrix[start : start + n]
        start += n
    return out


def teacher_logits(path):
    """{split: log-odds of the positive class, rows in split order} from a gzipped JSONL of
    `{"id", "split", "p_pos"}` lines covering every review of the three splits."""
    import gzip

    _, _, ids = split_data()
    opener = gzip.open if path.endswith(".gz") else open
    found = {}
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            record = json.loads(line)
            try:
                found[(record["split"], record["id"])] = float(record["p_pos"])
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError(f"{path}, line {number}: expected id, split and p_pos ({error})") from None
    out = {}
    for name in ("train", "validation", "test"):
        missing = [i for i in ids[name] if (name, i) not in found]
        if missing:
            raise ValueError(f"{path}: no probability for {len(missing)} {name} reviews (first: {missing[0]})")
        p = np.clip(np.array([found[(name, i)] for i in ids[name]]), 1e-6, 1 - 1e-6)
        out[name] = np.log(p) - np.log1p(-p)
    return out


def append_result(path, record):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a") as handle:
        handle.write(json.dumps(record) + "\n")
