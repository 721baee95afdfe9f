"""Another trained model as a teacher: its log-odds for a list of texts, cached and resumable.

`teacher_log_odds(archive, texts, positive_label)` loads any textflix archive (a fine-tuned
MiniLM, say), scores `texts` with the archive's own reader and model, and returns one
log-odds of `positive_label` per text. Scores are appended to a JSON-lines cache named by
the archive's content (`<cache_dir>/<sha1 of model.tar.gz>.jsonl`, one line per text digest)
as they are computed, so an interrupted run resumes where it stopped and later runs with the
same teacher (other students, other settings) score nothing again.
"""
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch
from allennlp.common.checks import ConfigurationError
from tqdm import tqdm

from textflix_lib.data.results_cache import ResultsCache
from textflix_lib.precision import autocast_dtype
from textflix_lib.tokenizers.head_tail import HeadTailTokenizer

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
    mixed_precision: bool = False,
) -> np.ndarray:
    """log p(positive_label) - log p(other) of `archive`'s model for every text (with
    `mixed_precision`, scored under `textflix_lib.precision.inference_autocast`: bfloat16 on a
    CPU with bfloat16 units; those scores have a cache of their own, `<sha1>.mixed.jsonl`, used
    only where mixed precision computes in a reduced precision)."""
    if not os.path.isfile(archive):
        raise ConfigurationError(f"teacher archive {archive!r} does not exist (expected a model.tar.gz)")
    device = torch.device("cpu") if cuda_device < 0 else torch.device("cuda", cuda_device)
    suffix = ".mixed.jsonl" if autocast_dtype(device, mixed_precision) is not None else ".jsonl"
    cache_path = Path(cache_dir or DEFAULT_CACHE_DIR) / f"{file_sha1(archive)}{suffix}"
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
                        batch_size, cuda_device, progress, mixed_precision)
        logger.info("Teacher %s: %d texts, %d scored now, cache %s", archive, len(texts), len(todo), cache_path)
        p = np.array([cache.get(key)["p_positive"] for key in keys], dtype=float)
    return _log_odds(p)


def _log_odds(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p) - np.log1p(-p)


def _score_into(cache: ResultsCache, archive: str, texts: List[str], keys: List[str], positive_label: str,
                batch_size: int, cuda_device: int, progress: bool, mixed_precision: bool = False) -> None:
    teacher = ArchivedTeacher(archive, positive_label, batch_size, cuda_device, mixed_precision=mixed_precision)
    starts = range(0, len(texts), batch_size)
    for start in tqdm(starts, desc="teacher scores", unit="batch", disable=not progress):
        p = teacher.p_positive(texts[start:start + batch_size])
        for key, value in zip(keys[start:start + batch_size], p):
            cache.add({"text_sha1": key, "p_positive": float(value)})


class ArchivedTeacher:
    """A trained model as a teacher: `p_positive(texts)` and `log_odds(texts)` score
    texts with the archive's own reader and model, in batches of `batch_size` (longest first);
    with `mixed_precision`, under `textflix_lib.precision.inference_autocast` (bfloat16 on a CPU).

    Kept inside a student for prediction (`self_training_nbsvm`'s `prediction_teacher_weight`),
    it is deliberately not a `torch.nn.Module` attribute of its host: its weights stay in its own
    `model.tar.gz` (which the host's archive carries, `include_in_archive`), not in the
    host's `weights.th`; `to(device)` moves it where the host runs."""

    def __init__(self, archive: str, positive_label: str, batch_size: int = 32, cuda_device: int = -1,
                 windows: Optional[Sequence[Sequence[int]]] = None, mixed_precision: bool = False) -> None:
        from allennlp.models.archival import load_archive

        from textflix_lib.predictors.scoring import label_names, probability_function

        if not os.path.isfile(archive):
            raise ConfigurationError(f"teacher archive {archive!r} does not exist (expected a model.tar.gz)")
        if batch_size < 1:
            raise ConfigurationError(f"teacher_batch_size must be positive, got {batch_size}")
        loaded = load_archive(archive, cuda_device=cuda_device)
        self.model = loaded.model
        self.model.eval()
        names = label_names(self.model)
        if positive_label not in names or len(names) != 2:
            raise ConfigurationError(f"teacher {archive} has labels {names}; expected two labels, one of them "
                                     f"{positive_label!r} (the student's positive label)")
        self._column = names.index(positive_label)
        reader = loaded.validation_dataset_reader
        for window in windows or []:
            if len(window) != 2:
                raise ConfigurationError(f"teacher window {list(window)!r}: expected [head_tokens, tail_tokens]")
        if windows and not isinstance(getattr(reader, "_tokenizer", None), HeadTailTokenizer):
            logger.warning("Teacher %s reads whole reviews (its tokenizer is %s, not head_tail): the prediction "
                           "windows %s are ignored", archive, type(getattr(reader, "_tokenizer", None)).__name__,
                           list(windows))
            windows = []
        self._windows = [[int(v) for v in window] for window in windows or []]
        self._readers = [reader] + [_window_reader(reader, window) for window in self._windows]
        self.mixed_precision = bool(mixed_precision)
        self._scores = [probability_function(self.model, r, mixed_precision=self.mixed_precision)
                        for r in self._readers]
        self._score = self._scores[0]
        self.batch_size = batch_size

    def to(self, device) -> "ArchivedTeacher":
        if next(self.model.parameters()).device != torch.device(device):
            self.model.to(device)
        return self

    def p_positive(self, texts: Sequence[str]) -> np.ndarray:
        """The teacher's probability of the positive label through the trained window (the
        windows are averaged in log-odds: `log_odds`)."""
        return self._p_positive(self._score, texts)

    def _p_positive(self, score, texts: Sequence[str]) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        p = np.zeros(len(texts))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start:start + self.batch_size]
            p[chunk] = score([texts[i] for i in chunk])[:, self._column]
        return p

    def log_odds(self, texts: Sequence[str]) -> np.ndarray:
        """Log-odds of the positive label; with `windows`, the mean over the trained window and
        each other window (`window_log_odds`)."""
        return self.window_log_odds(texts).mean(axis=0)

    def window_log_odds(self, texts: Sequence[str], trained: Optional[np.ndarray] = None) -> np.ndarray:
        """``(windows, len(texts))`` log-odds: row 0 through the trained window (or `trained`,
        when the caller has those scores already), then one row per other window. A text that
        reads the same through a window as through the trained one (a review shorter than both)
        keeps the trained window's score, unscored again."""
        if trained is None:
            trained = _log_odds(self._p_positive(self._score, texts))
        rows = [np.asarray(trained, dtype=float)]
        if not self._windows:
            return np.stack(rows)
        # every window's word pieces of each text, the text split into word pieces once
        tokenizer = self._readers[0]._tokenizer
        cuts = [[[t.text for t in cut] for cut in tokenizer.window_pieces(text, self._windows)] for text in texts]
        for k, score in enumerate(self._scores[1:], start=1):
            view = rows[0].copy()
            differ = [i for i in range(len(texts)) if cuts[i][k] != cuts[i][0]]
            if differ:
                view[differ] = _log_odds(self._p_positive(score, [texts[i] for i in differ]))
            rows.append(view)
        return np.stack(rows)

    @property
    def trained_window(self) -> Optional[List[int]]:
        """`[head_tokens, tail_tokens]` of the window the teacher was trained on (None when its
        reader does not read through `head_tail`)."""
        tokenizer = getattr(self._readers[0], "_tokenizer", None)
        return [tokenizer.head_tokens, tokenizer.tail_tokens] if isinstance(tokenizer, HeadTailTokenizer) else None


def _window_reader(reader, window: Sequence[int]):
    """A copy of the teacher's reader whose `head_tail` tokenizer keeps another window:
    `[head, tail]` word pieces (`[254, 0]`: the first 254; `[0, 254]`: the last 254)."""
    import copy

    tokenizer = reader._tokenizer
    head, tail = (int(v) for v in window)
    windowed = copy.copy(reader)
    windowed._tokenizer = HeadTailTokenizer(tokenizer._name, head_tokens=head, tail_tokens=tail,
                                            tokenizer_kwargs=tokenizer._user_tokenizer_kwargs)
    return windowed


# the reader settings that decide which reviews are a run's labelled sample
_SAMPLE_SETTINGS = ("train_size", "seed", "validation_size", "test_percent", "text_field", "label_field")


def check_same_sample(teacher_archive: str, run_config: Dict[str, Any]) -> None:
    """Refuse a teacher trained on labels the student's run does not have (few-label honesty):
    the teacher's labelled reviews must lie inside the student's labelled sample. Both must read
    the same training data with the `imdb`/`imdb_pool` reader's sampling, the same seed and
    split settings, and the teacher a `train_size` no larger than the student's (for one seed
    smaller samples lie inside larger ones). Cross-validation folds of that sample are fine."""
    import inspect
    import tarfile

    from textflix_lib.dataset_readers.imdb import ImdbReader

    try:
        with tarfile.open(teacher_archive) as archive:
            teacher_config = json.load(archive.extractfile("config.json"))
    except (OSError, KeyError, tarfile.TarError, ValueError) as error:
        raise ConfigurationError(f"teacher archive {teacher_archive!r}: cannot read its config.json ({error})") from None
    defaults = {name: p.default for name, p in inspect.signature(ImdbReader.__init__).parameters.items()
                if p.default is not inspect.Parameter.empty}
    problems = []
    settings = {}
    for who, config in (("teacher", teacher_config), ("student", run_config)):
        reader = config.get("dataset_reader") or {}
        if reader.get("type") not in ("imdb", "imdb_pool"):
            problems.append(f"the {who} reads with {reader.get('type')!r}, not the imdb reader, so its labelled "
                            "sample cannot be checked")
        settings[who] = {key: reader.get(key, defaults.get(key)) for key in _SAMPLE_SETTINGS}
        settings[who]["train_data_path"] = config.get("train_data_path")
    teacher, student = settings["teacher"], settings["student"]
    for key in (*_SAMPLE_SETTINGS, "train_data_path"):
        if key != "train_size" and teacher[key] != student[key]:
            problems.append(f"{key}: teacher {teacher[key]!r}, student {student[key]!r}")
    if teacher["train_size"] is None or (student["train_size"] is not None and teacher["train_size"] > student["train_size"]):
        problems.append(f"train_size: the teacher learned from {teacher['train_size'] or 'every'} labelled reviews, "
                        f"the student's sample has {student['train_size']}")
    if problems:
        raise ConfigurationError(
            f"teacher {teacher_archive} was not trained inside this run's labelled sample, so the unlabelled pool "
            "would not be unlabelled for it: " + "; ".join(problems) + ". Train the teacher with the student's "
            "data, train_size and seed (or set model.check_teacher_sample to false to use it anyway).")
