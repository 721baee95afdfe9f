"""Self-training (pseudo-labelling) on an unlabelled pool, plain NumPy/scikit-learn.

A teacher fitted on the labelled reviews scores the unlabelled pool; the most confident
pool reviews, balanced between the classes (the labelled sample is balanced, and a biased
teacher would otherwise feed its own bias back), get the teacher's label; a student is
fitted on gold + pseudo-labelled reviews and becomes the next round's teacher. Each round
may take a larger share of the pool (``fractions``), as in Yarowsky-style self-training.

The learner is anything with ``fit(views, y)`` and ``predict_proba(views) -> p(positive)``
over a *view*: a tuple of row-aligned matrices (n-grams, frozen embeddings, ...), indexed
together by :func:`take`. `EnsembleLearner` averages the log-odds of several learners, each
reading one view: a co-training-style ensemble in which every member is fitted on the
pseudo-labels the whole ensemble produced.

Determinism: selection breaks ties by index (a stable sort), and the learners are seeded, so
the same seed gives the same pseudo-labels.
"""
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sp


def take(matrix, rows):
    return matrix[rows]


def stack(parts):
    if sp.issparse(parts[0]):
        return sp.vstack(parts).tocsr()
    return np.concatenate(parts)


def _logit(p, eps=1e-6):
    p = np.clip(p, eps, 1 - eps)
    return np.log(p) - np.log1p(-p)


def select_confident(p_positive: np.ndarray, count: int) -> Tuple[np.ndarray, np.ndarray]:
    """Indices of the `count` most confident rows, half from each class (by the ranking of
    `p_positive`, or of any score that grows with it such as log-odds, so that the pseudo-labels stay balanced however the teacher is calibrated),
    and their pseudo-labels (1 = positive)."""
    count = int(min(count, len(p_positive)))
    order = np.argsort(-p_positive, kind="stable")
    n_pos = count - count // 2
    n_neg = count // 2
    positives = order[:n_pos]
    negatives = order[::-1][:n_neg]
    negatives = np.setdiff1d(negatives, positives)
    rows = np.concatenate([positives, negatives])
    labels = np.concatenate([np.ones(len(positives), dtype=int), np.zeros(len(negatives), dtype=int)])
    order = np.argsort(rows, kind="stable")
    return rows[order], labels[order]


class NBSVMLearner:
    """NB-SVM on a binary n-gram matrix (textflix's estimator); p from its sigmoid."""

    def __init__(self, C=0.1, beta=0.25, seed=0, calibration_folds=0):
        self.C, self.beta, self.seed, self.calibration_folds = C, beta, seed, calibration_folds

    def fit(self, X, y):
        from textflix_lib.algorithms.nbsvm import NBSVM

        self.model = NBSVM(C=self.C, beta=self.beta, random_state=self.seed, calibration_folds=self.calibration_folds)
        self.model.fit(X, y)
        return self

    def predict_proba(self, X):
        return self.model.predict_proba(X)[:, 1]


class LogRegLearner:
    """L2-regularised logistic regression on dense features (frozen embeddings), after
    L2-normalising each row and standardising with the training rows' statistics."""

    def __init__(self, C=1.0, seed=0, normalize=True):
        self.C, self.seed, self.normalize = C, seed, normalize

    def _prep(self, X):
        X = np.asarray(X, dtype=np.float64)
        if self.normalize:
            X = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
        return X

    def fit(self, X, y):
        from sklearn.linear_model import LogisticRegression

        X = self._prep(X)
        self.mean_, self.scale_ = X.mean(0), X.std(0) + 1e-6
        self.model = LogisticRegression(C=self.C, max_iter=2000, random_state=self.seed)
        self.model.fit((X - self.mean_) / self.scale_, y)
        return self

    def predict_proba(self, X):
        return self.model.predict_proba((self._prep(X) - self.mean_) / self.scale_)[:, 1]


class EnsembleLearner:
    """Averages the log-odds of learners that each read one view (an index into the tuple),
    with optional weights."""

    def __init__(self, members: Sequence[Tuple[int, object]], weights: Optional[Sequence[float]] = None):
        self.members = list(members)
        self.weights = list(weights) if weights is not None else [1.0] * len(self.members)

    def fit(self, views, y):
        for view, learner in self.members:
            learner.fit(views[view], y)
        return self

    def member_probas(self, views) -> List[np.ndarray]:
        return [learner.predict_proba(views[view]) for view, learner in self.members]

    def predict_proba(self, views):
        z = sum(w * _logit(p) for w, p in zip(self.weights, self.member_probas(views))) / sum(self.weights)
        return 1.0 / (1.0 + np.exp(-z))


def self_train(
    make_learner: Callable[[], object],
    labelled: Sequence,
    y: np.ndarray,
    unlabelled: Sequence,
    fractions: Sequence[float] = (0.5, 1.0),
    callback: Optional[Callable[[int, object, np.ndarray, np.ndarray], None]] = None,
    return_pseudo: bool = False,
    prior: Optional[np.ndarray] = None,
    prior_weight: float = 1.0,
):
    """Fit a teacher on (`labelled`, `y`), then for each fraction f a student on the gold rows
    plus the f * len(pool) most confident pool rows with the current teacher's labels.
    `labelled` and `unlabelled` are tuples of views (row-aligned matrices). `callback(round,
    model, rows, pseudo)` sees each round's model (round 0: the teacher, no rows).
    Returns the last model, or with `return_pseudo` (model, pool rows, their pseudo-labels)
    of the last round (empty arrays when there was none).

    `prior`: log-odds of the positive class for every pool row from another teacher (say a
    fine-tuned transformer that scored the pool once); each round ranks and labels the pool
    by the current model's log-odds plus `prior_weight` times the prior, so the students
    learn from the two teachers' combined labels. The final model is still the last student."""
    if prior is not None:
        prior = np.asarray(prior, dtype=float)
        if prior.shape != (unlabelled[0].shape[0],):
            raise ValueError(f"prior has shape {prior.shape}; expected one log-odds per pool row ({unlabelled[0].shape[0]})")
        if not np.all(np.isfinite(prior)):
            raise ValueError("prior holds a value that is not a finite log-odds")
    model = make_learner().fit(labelled if len(labelled) > 1 else labelled[0], y)
    if callback:
        callback(0, model, np.zeros(0, dtype=int), np.zeros(0, dtype=int))
    n_pool = unlabelled[0].shape[0]
    rows, pseudo = np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    for round_, fraction in enumerate(fractions, start=1):
        p = model.predict_proba(unlabelled if len(unlabelled) > 1 else unlabelled[0])
        if prior is not None:  # ranked by the summed log-odds (select_confident only ranks)
            p = _logit(p) + prior_weight * prior
        rows, pseudo = select_confident(p, int(round(fraction * n_pool)))
        views = tuple(stack([l, take(u, rows)]) for l, u in zip(labelled, unlabelled))
        model = make_learner().fit(views if len(views) > 1 else views[0], np.concatenate([y, pseudo]))
        if callback:
            callback(round_, model, rows, pseudo)
    return (model, rows, pseudo) if return_pseudo else model


def gold_calibration(make_estimator: Callable[[], object], X_gold, y, X_pseudo, pseudo, base=(1.0, 0.0), folds: int = 3,
                     seed: int = 0):
    """Rescale the student's Platt calibration ``base = (slope, offset)`` (fitted, as a plain
    NB-SVM does, on folds of gold + pseudo-labels: its offset places the decision, but it
    teaches the sigmoid that the model's own labels are right, hence overconfident
    probabilities) by one temperature fitted on out-of-fold margins of the *gold* reviews
    only: each fold's gold reviews are scored by a student fitted on the other gold reviews
    plus all the pseudo-labelled ones. Returns ``(slope * k, offset * k)``: the decision is
    unchanged (k > 0), only the confidence. `make_estimator()` returns an unfitted estimator
    with ``fit`` and ``decision_function``. None when the gold reviews are too few for
    `folds` folds of both classes, or when the gold margins do not support a positive k."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(y)
    folds = int(min(folds, np.bincount(y, minlength=2).min()))
    if folds < 2:
        return None
    margins = np.zeros(len(y))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train, held in splitter.split(np.zeros(len(y)), y):
        estimator = make_estimator()
        estimator.fit(stack([X_gold[train], X_pseudo]), np.concatenate([y[train], pseudo]))
        margins[held] = estimator.decision_function(X_gold[held])
    slope, offset = base
    z = slope * margins + offset
    sigmoid = LogisticRegression(C=1e4, solver="lbfgs", fit_intercept=False)
    sigmoid.fit(z.reshape(-1, 1), y)
    k = float(sigmoid.coef_[0, 0])
    if not k > 0:
        return None
    return float(slope * k), float(offset * k)


def fit_calibrated_student(estimator, X_gold, y, X_pseudo, pseudo, calibrate_on_gold: bool = True):
    """Fit `estimator` (an unfitted `NBSVM`) on gold + pseudo-labelled rows, the final student
    of `self_train`, with its own Platt calibration (folds of gold + pseudo-labels) rescaled by
    `gold_calibration` when `calibrate_on_gold` and there are pseudo-labels. Returns it."""
    from sklearn.base import clone

    estimator.fit(stack([X_gold, X_pseudo]), np.concatenate([y, pseudo]))
    if calibrate_on_gold and len(pseudo):
        calibration = gold_calibration(
            lambda: clone(estimator).set_params(calibration_folds=0), X_gold, y, X_pseudo, pseudo,
            base=estimator.calibration_, folds=estimator.calibration_folds, seed=estimator.random_state,
        )
        if calibration is not None:
            estimator.calibration_ = calibration
    return estimator


def combine_log_odds(student, teacher, teacher_weight: float):
    """The weighted mean ``(student + w * teacher) / (1 + w)`` of two models' log-odds (a
    product of experts: w = 1 multiplies the two odds and takes the square root); works on
    NumPy arrays and torch tensors alike."""
    if not teacher_weight >= 0:
        raise ValueError(f"teacher_weight must be >= 0, got {teacher_weight}")
    return (student + teacher_weight * teacher) / (1.0 + teacher_weight)
