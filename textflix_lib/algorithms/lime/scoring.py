"""Scoring perturbed texts with a model efficiently: each distinct text once, in batches of
similar length (so a transformer pads little), and a count of what the model was asked."""
from typing import Callable, Dict, List, Sequence

import numpy as np

PredictTexts = Callable[[List[str]], np.ndarray]


class BatchScorer:
    """
    Wraps ``predict_texts(texts) -> (len(texts), classes) probabilities``.

    A call scores its distinct texts not yet seen, longest first in batches of `batch_size`,
    and remembers the results until `reset()` (the text explainer resets it per review).

    # Parameters

    predict_texts : `Callable[[List[str]], np.ndarray]`
    batch_size : `int`, optional (default = `32`)
    sort_by_length : `bool`, optional (default = `True`)
    """

    def __init__(self, predict_texts: PredictTexts, batch_size: int = 32, sort_by_length: bool = True) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self.predict_texts = predict_texts
        self.batch_size = batch_size
        self.sort_by_length = sort_by_length
        self._cache: Dict[str, np.ndarray] = {}
        self.texts_scored = 0  # texts sent to the model, over this scorer's life
        self.batches = 0

    def reset(self) -> None:
        self._cache.clear()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if self.sort_by_length:
            todo.sort(key=len, reverse=True)
        for begin in range(0, len(todo), self.batch_size):
            batch = todo[begin:begin + self.batch_size]
            probs = np.asarray(self.predict_texts(batch), dtype=float)
            if probs.ndim != 2 or len(probs) != len(batch):
                raise ValueError(f"predict_texts returned shape {probs.shape} for {len(batch)} texts")
            self._cache.update(zip(batch, probs))
            self.texts_scored += len(batch)
            self.batches += 1
        return np.stack([self._cache[t] for t in texts])
