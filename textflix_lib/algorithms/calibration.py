"""Calibration of a classifier's probabilities: does "87.6% certain" mean right 87.6% of the time?

Plain numpy/scipy (no AllenNLP). `probs` is an ``(n, labels)`` array of predicted
probabilities, `labels` the ``n`` true label indices.

- `expected_calibration_error`: the predictions grouped by confidence (the top probability)
  into equal-width bins over [0, 1]; ECE = sum over bins of (bin size / n) * |accuracy -
  mean confidence| (Naeini et al. 2015; Guo et al. 2017). Bins are ``(lo, hi]``, the first
  ``[0, hi]``.
- `brier_score`: the mean over predictions of sum_k (p_k - y_k)^2, Brier's (1950) definition
  for any number of labels. For two labels it is twice scikit-learn's `brier_score_loss`
  (which scores the positive class only).
- Temperature scaling (Guo et al. 2017): probabilities ``softmax(log(p) / T)``, one `T > 0`
  fitted by minimising the negative log-likelihood of held-out (validation) labels. It needs
  only probabilities, so it works for every model here (NB-SVM's `probs` are not a softmax
  of logits), and with T > 0 it never changes the predicted label, so accuracy is unchanged.
- A calibration file (`save_calibration`/`load_calibration`) is the small JSON the
  `allennlp calibration` command writes and the predictors read.
"""
import json
import math
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

import numpy
from scipy.optimize import minimize_scalar

EPSILON = 1e-12
CALIBRATION_VERSION = 1
# log T is searched in [-LOG_T_BOUND, LOG_T_BOUND]: T from 0.0067 to 148
LOG_T_BOUND = 5.0


def _check(probs, labels):
    probs = numpy.asarray(probs, dtype=float)
    labels = numpy.asarray(labels, dtype=int)
    if probs.ndim != 2 or probs.shape[0] != labels.shape[0] or probs.shape[0] == 0:
        raise ValueError(f"expected (n, labels) probabilities and n labels, got {probs.shape} and {labels.shape}")
    if labels.min() < 0 or labels.max() >= probs.shape[1]:
        raise ValueError(f"label indices must lie in [0, {probs.shape[1]})")
    return probs, labels


def accuracy(probs, labels) -> float:
    probs, labels = _check(probs, labels)
    return float((probs.argmax(axis=1) == labels).mean())


def negative_log_likelihood(probs, labels) -> float:
    """Mean -log p(true label), probabilities clipped at 1e-12."""
    probs, labels = _check(probs, labels)
    return float(-numpy.log(numpy.clip(probs[numpy.arange(len(labels)), labels], EPSILON, 1.0)).mean())


def brier_score(probs, labels) -> float:
    """Mean over predictions of sum_k (p_k - y_k)^2 (0 is perfect, 2 the worst)."""
    probs, labels = _check(probs, labels)
    onehot = numpy.zeros_like(probs)
    onehot[numpy.arange(len(labels)), labels] = 1.0
    return float(((probs - onehot) ** 2).sum(axis=1).mean())


def reliability_bins(probs, labels, n_bins: int = 10) -> List[Dict[str, Any]]:
    """Per equal-width confidence bin: ``lower``, ``upper``, ``count``, ``confidence`` (mean top
    probability) and ``accuracy`` (share of correct predictions); the last two are `None` for
    an empty bin."""
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, got {n_bins}")
    probs, labels = _check(probs, labels)
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    edges = numpy.linspace(0.0, 1.0, n_bins + 1)
    # (lo, hi] bins, the first closed at 0
    index = numpy.clip(numpy.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)
    bins = []
    for b in range(n_bins):
        mask = index == b
        count = int(mask.sum())
        bins.append({"lower": float(edges[b]), "upper": float(edges[b + 1]), "count": count,
                     "confidence": float(confidence[mask].mean()) if count else None,
                     "accuracy": float(correct[mask].mean()) if count else None})
    return bins


def expected_calibration_error(probs, labels, n_bins: int = 10) -> float:
    bins = reliability_bins(probs, labels, n_bins)
    n = sum(b["count"] for b in bins)
    return float(sum(b["count"] / n * abs(b["accuracy"] - b["confidence"]) for b in bins if b["count"]))


def maximum_calibration_error(probs, labels, n_bins: int = 10) -> float:
    bins = reliability_bins(probs, labels, n_bins)
    return float(max(abs(b["accuracy"] - b["confidence"]) for b in bins if b["count"]))


def apply_temperature(probs, temperature: float) -> numpy.ndarray:
    """``softmax(log(p) / T)`` row by row; T = 1 returns the probabilities (renormalised)."""
    if not (temperature > 0 and math.isfinite(temperature)):
        raise ValueError(f"temperature must be a positive number, got {temperature}")
    probs = numpy.asarray(probs, dtype=float)
    logits = numpy.log(numpy.clip(probs, EPSILON, 1.0)) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    scaled = numpy.exp(logits)
    return scaled / scaled.sum(axis=-1, keepdims=True)


def fit_temperature(probs, labels) -> float:
    """The T > 0 that minimises the NLL of `labels` under ``apply_temperature(probs, T)``: a
    bounded scalar search (Brent) over log T in [-5, 5]."""
    probs, labels = _check(probs, labels)
    log_probs = numpy.log(numpy.clip(probs, EPSILON, 1.0))
    rows = numpy.arange(len(labels))

    def loss(log_t: float) -> float:
        logits = log_probs / math.exp(log_t)
        logits = logits - logits.max(axis=1, keepdims=True)
        log_norm = numpy.log(numpy.exp(logits).sum(axis=1))
        return float((log_norm - logits[rows, labels]).mean())

    result = minimize_scalar(loss, bounds=(-LOG_T_BOUND, LOG_T_BOUND), method="bounded",
                             options={"xatol": 1e-6})
    return float(math.exp(result.x))


def calibration_metrics(probs, labels, n_bins: int = 10) -> Dict[str, Any]:
    """Accuracy, ECE, MCE, Brier, NLL, and the reliability bins."""
    return {"examples": int(len(labels)), "accuracy": accuracy(probs, labels),
            "ece": expected_calibration_error(probs, labels, n_bins),
            "mce": maximum_calibration_error(probs, labels, n_bins),
            "brier": brier_score(probs, labels), "nll": negative_log_likelihood(probs, labels),
            "bins": reliability_bins(probs, labels, n_bins)}


# ----------------------------------------------------------------------------- the file


def save_calibration(path: str, temperature: float, labels: Sequence[str], **details: Any) -> Dict[str, Any]:
    """Write the calibration file: ``{"version", "method": "temperature", "temperature",
    "labels", ...details}`` (details: the model's fingerprint, where T was fitted, the NLL
    before and after)."""
    record = {"version": CALIBRATION_VERSION, "method": "temperature", "temperature": float(temperature),
              "labels": list(labels), **details}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(record, indent=1))
    return record


def load_calibration(path: str) -> Dict[str, Any]:
    """A calibration file, checked. Raises `ValueError` naming the file and the problem."""
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"cannot read calibration file {path}: {error}") from None
    if not isinstance(record, dict) or record.get("method") != "temperature":
        raise ValueError(f"{path} is not a calibration file (expected method 'temperature')")
    temperature = record.get("temperature")
    if not isinstance(temperature, (int, float)) or not temperature > 0 or not math.isfinite(temperature):
        raise ValueError(f"{path}: temperature must be a positive number, got {temperature!r}")
    return record


def choose_calibration(paths: Sequence[str], fingerprint: Optional[str], labels: Sequence[str]) -> Dict[str, Any]:
    """Of the calibration files at `paths`, the one fitted for the model with `fingerprint`
    (a file without a fingerprint matches any model; one with the wrong labels none).
    Raises `ValueError` when none matches, so a temperature is never applied to another
    model by mistake."""
    seen: List[str] = []
    for path in paths:
        record = load_calibration(path)
        if record.get("labels") is not None and list(record["labels"]) != list(labels):
            seen.append(f"{path} (labels {record['labels']}, the model's are {list(labels)})")
            continue
        if record.get("fingerprint") in (None, fingerprint):
            return {**record, "path": str(path)}
        seen.append(f"{path} (fitted for model {record.get('fingerprint')})")
    raise ValueError(f"no calibration file fits this model (fingerprint {fingerprint}): " + "; ".join(seen))


def temperature_summary(record: Mapping[str, Any]) -> str:
    return f"T = {record['temperature']:.3f}" + (f" ({record['path']})" if "path" in record else "")
