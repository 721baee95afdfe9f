"""Another trained model as a teacher: its log-odds for a list of texts, cached and resumable.

`teacher_log_odds(archive, texts, positive_label)` loads any textflix archive (a fine-tuned
MiniLM, say), scores `texts` with the archive's own reader and model, and returns one
log-odds of `positive_label` per text. Scores are appended to a JSON-lines cache named by
the archive's content (`<cache_dir>/<sha1 of model.tar.gz>.jsonl`, one line per text digest)
as they are computed, so an interrupted run resumes where it stopped and later runs with the
same teacher (other students, other settings) score nothing again.
"""
import hashlib
import logging
import os
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np
from allennlp.common.checks import ConfigurationError
from tqdm import tqdm

from textflix_lib.data.results_cache import ResultsCache

logger = logging.getLogger(__name__)

DEFAULT_CACHE_DIR = os.path.join(os.path.expanduser("~"), ".cache", "textflix", "teacher_scores")


def file_sha1(path: str) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def teacher_log_odds(
    archive: str,
    texts: Sequence[str],
    positive_label: str,
    cache_dir: Optional[str] = None,
    batch_size: int = 32,
    cuda_device: int = -1,
    progress: bool = True,
) -> np.ndarray:
    """log p(positive_label) - log p(other) of `archive`'s model for every text."""
    if not os.path.isfile(archive):
        raise ConfigurationError(f"teacher archive {archive!r} does not exist (expected a model.tar.gz)")
    cache_path = Path(cache_dir or DEFAULT_CACHE_DIR) / f"{file_sha1(archive)}.jsonl"
    keys = [text_sha1(text) for text in texts]
    with ResultsCache(cache_path, key=lambda record: record["text_sha1"]) as cache:
        todo: List[int] = []
        seen = set()
        for index, key in enumerate(keys):
            if key not in cache and key not in seen:
                todo.append(index)
                seen.add(key)
        if todo:
            _score_into(cache, archive, [texts[i] for i in todo], [keys[i] for i in todo], positive_label,
                        batch_size, cuda_device, progress)
        logger.info("Teacher %s: %d texts, %d scored now, cache %s", archive, len(texts), len(todo), cache_path)
        p = np.array([cache.get(key)["p_positive"] for key in keys], dtype=float)
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p) - np.log1p(-p)


def _score_into(cache: ResultsCache, archive: str, texts: List[str], keys: List[str], positive_label: str,
                batch_size: int, cuda_device: int, progress: bool) -> None:
    from allennlp.models.archival import load_archive

    from textflix_lib.predictors.scoring import label_names, probability_function

    loaded = load_archive(archive, cuda_device=cuda_device)
    model = loaded.model
    model.eval()
    names = label_names(model)
    if positive_label not in names or len(names) != 2:
        raise ConfigurationError(f"teacher {archive} has labels {names}; expected two labels, one of them "
                                 f"{positive_label!r} (the student's positive label)")
    column = names.index(positive_label)
    score = probability_function(model, loaded.validation_dataset_reader)
    starts = range(0, len(texts), batch_size)
    for start in tqdm(starts, desc="teacher scores", unit="batch", disable=not progress):
        probs = score(texts[start:start + batch_size])
        for key, row in zip(keys[start:start + batch_size], probs):
            cache.add({"text_sha1": key, "p_positive": float(row[column])})
