"""NB-SVM (Wang & Manning, 2012), a scikit-learn estimator over binary features.

The naive-Bayes log-count ratio ``r = log((p/|p|_1) / (q/|q|_1))``, with ``p = alpha + sum of
positive feature vectors`` and ``q`` likewise for negatives, scales each binarized feature;
a linear classifier is trained on ``r * x``. For the SVM, the paper interpolates between the
learned weights and their mean magnitude, ``w' = (1 - beta) * mean|w| + beta * w``, which
keeps the naive-Bayes ranking when data are few. ``classifier="logreg"`` swaps the SVM for
logistic regression on the same features (NB-LR), which also gives calibrated
probabilities directly.

Everything learned is folded into one weight per feature (``coef_``) and an ``intercept_``:
the decision for a binary vector ``x`` is ``x @ coef_ + intercept_``. Probabilities come from
the logistic regression itself or, for the SVM, from a sigmoid fitted to out-of-fold margins
(Platt scaling), so that explanations and thresholds have a probability to work with.

`textflix_lib.algorithms.text_features.binary_matrix` builds the sparse binary input from
lists of feature indices.
"""
import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, check_X_y

CLASSIFIERS = ("svm", "logreg")


class NBSVM(ClassifierMixin, BaseEstimator):
    """
    A scikit-learn classifier: `clone`, `GridSearchCV`, `cross_val_score` and pipelines work
    on it. The constructor only stores its arguments; `fit` checks them.

    # Parameters

    alpha : `float`, optional (default = `1.0`)
        Laplace smoothing of the feature counts.
    beta : `float`, optional (default = `0.25`)
        SVM interpolation weight (the paper's beta); 1.0 means no interpolation.
    C : `float`, optional (default = `1.0`)
        Inverse regularisation strength of the linear classifier.
    classifier : `str`, optional (default = `"svm"`)
        `"svm"` (L2-regularised squared-hinge SVM, as in the paper) or `"logreg"`.
    calibration_folds : `int`, optional (default = `3`)
        Folds for the SVM's Platt scaling; fewer than 2 fits the sigmoid on training margins.
    max_iter : `int`, optional (default = `10000`)
    random_state : `int`, `RandomState` or `None`, optional (default = `0`)
        Seeds the linear classifier and the calibration folds (the registered `nbsvm` model's
        `seed`).

    # Attributes (after `fit`)

    classes_ : the two labels, sorted; `predict_proba`'s columns are in this order, and the
        second is the "positive" class of `r_` and `coef_`.
    n_features_in_ : the number of features (columns) seen in `fit`.
    r_ : the naive-Bayes log-count ratio per feature.
    coef_, intercept_ : the decision for a binary vector `x` is `x @ coef_ + intercept_`.
    calibration_ : `(slope, offset)`: p(`classes_[1]`) = sigmoid(slope * decision + offset).
    """

    def __init__(
        self,
        alpha: float = 1.0,
        beta: float = 0.25,
        C: float = 1.0,
        classifier: str = "svm",
        calibration_folds: int = 3,
        max_iter: int = 10000,
        random_state=0,
    ) -> None:
        self.alpha = alpha
        self.beta = beta
        self.C = C
        self.classifier = classifier
        self.calibration_folds = calibration_folds
        self.max_iter = max_iter
        self.random_state = random_state

    def validate_settings(self) -> None:
        """A clear `ValueError` for an unusable argument (`fit` calls it first)."""
        if self.classifier not in CLASSIFIERS:
            raise ValueError(f"classifier must be one of {CLASSIFIERS}, got {self.classifier!r}")
        if not _is_real(self.alpha) or not self.alpha > 0:
            raise ValueError(f"alpha must be positive, got {self.alpha!r}")
        if not _is_real(self.beta) or not 0 <= self.beta <= 1:
            raise ValueError(f"beta must lie in [0, 1], got {self.beta!r}")
        if not _is_real(self.C) or not self.C > 0:
            raise ValueError(f"C must be positive, got {self.C!r}")
        if not _is_whole(self.calibration_folds):
            raise ValueError(f"calibration_folds must be a whole number, got {self.calibration_folds!r}")
        if not _is_whole(self.max_iter) or self.max_iter < 1:
            raise ValueError(f"max_iter must be a whole number of at least 1, got {self.max_iter!r}")

    # -- learning -------------------------------------------------------------------------
    def log_count_ratio(self, X: sp.csr_matrix, y: np.ndarray) -> np.ndarray:
        X = _binary(X)
        p = self.alpha + np.asarray(X[y == 1].sum(axis=0)).ravel()
        q = self.alpha + np.asarray(X[y == 0].sum(axis=0)).ravel()
        return np.log(p / p.sum()) - np.log(q / q.sum())

    def _fit_linear(self, X: sp.csr_matrix, y: np.ndarray, r: np.ndarray):
        """Weights on the binary features and intercept, NB scaling and interpolation folded in."""
        features = X @ sp.diags(r)
        if self.classifier == "logreg":
            from sklearn.linear_model import LogisticRegression

            model = LogisticRegression(C=self.C, max_iter=self.max_iter, solver="liblinear", random_state=self.random_state)
            model.fit(features, y)
            w, b = model.coef_.ravel(), float(model.intercept_[0])
        else:
            from sklearn.svm import LinearSVC

            model = LinearSVC(C=self.C, max_iter=self.max_iter, random_state=self.random_state)
            model.fit(features, y)
            w, b = model.coef_.ravel(), float(model.intercept_[0])
            w = (1.0 - self.beta) * np.abs(w).mean() + self.beta * w
        return w * r, b

    def fit(self, X, y) -> "NBSVM":
        """Fit on features `X` (anything nonzero counts as present) and two-class labels `y`
        (0/1, or any two labels: `classes_[1]` plays the positive class)."""
        self.validate_settings()
        X, y = check_X_y(X, y, accept_sparse="csr")
        check_classification_targets(y)
        classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError("NB-SVM needs examples of both classes to fit")
        if len(classes) > 2:
            raise ValueError(f"NB-SVM is a binary classifier: labels must take two values, got {classes.tolist()}")
        X = _binary(X)
        y = (y == classes[1]).astype(int)
        self.classes_ = classes
        self.n_features_in_ = X.shape[1]
        self.r_ = self.log_count_ratio(X, y)
        self.coef_, self.intercept_ = self._fit_linear(X, y, self.r_)
        if self.classifier == "logreg":
            self.calibration_ = (1.0, 0.0)
        else:
            self.calibration_ = self._platt(X, y)
        return self

    def _platt(self, X: sp.csr_matrix, y: np.ndarray):
        """Sigmoid ``p = 1 / (1 + exp(-(a * margin + c)))`` fitted on out-of-fold margins."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        folds = min(self.calibration_folds, int(np.bincount(y).min()))
        if folds >= 2:
            margins = np.zeros(len(y))
            splitter = StratifiedKFold(folds, shuffle=True, random_state=self.random_state)
            for train, held in splitter.split(np.zeros(len(y)), y):
                if len(np.unique(y[train])) < 2:
                    continue
                r = self.log_count_ratio(X[train], y[train])
                w, b = self._fit_linear(X[train], y[train], r)
                margins[held] = X[held] @ w + b
        else:
            margins = X @ self.coef_ + self.intercept_
        sigmoid = LogisticRegression(C=1e4, solver="lbfgs")
        sigmoid.fit(margins.reshape(-1, 1), y)
        return float(sigmoid.coef_[0, 0]), float(sigmoid.intercept_[0])

    # -- prediction -----------------------------------------------------------------------
    def decision_function(self, X) -> np.ndarray:
        """The margin `x @ coef_ + intercept_` of each row (positive: `classes_[1]`)."""
        check_is_fitted(self)
        X = check_array(X, accept_sparse="csr")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but NBSVM was fitted with {self.n_features_in_}")
        return np.asarray(_binary(X) @ self.coef_ + self.intercept_).ravel()

    def predict_proba(self, X) -> np.ndarray:
        """(n, 2) probabilities, columns in the order of `classes_`."""
        check_is_fitted(self)
        slope, offset = self.calibration_
        positive = _sigmoid(slope * self.decision_function(X) + offset)
        return np.stack([1.0 - positive, positive], axis=1)

    def predict(self, X) -> np.ndarray:
        """The label of `classes_` with probability above 0.5 (ties: `classes_[0]`)."""
        check_is_fitted(self)
        return self.classes_[(self.predict_proba(X)[:, 1] > 0.5).astype(int)]


def _binary(X: sp.csr_matrix) -> sp.csr_matrix:
    X = sp.csr_matrix(X, dtype=np.float64, copy=True)
    X.eliminate_zeros()
    X.data[:] = 1.0
    return X


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)


def _is_whole(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
