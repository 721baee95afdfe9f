import logging
from typing import Any, Dict, Iterable, List, Optional, Tuple

import numpy as np
import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import TextFieldTensors, Vocabulary
from allennlp.models import Model
from allennlp.nn import util
from allennlp.training.metrics import CategoricalAccuracy

from textflix_lib.algorithms.nbsvm import CLASSIFIERS, NBSVM
from textflix_lib.algorithms.text_features import binary_matrix
from textflix_lib.data.labels import POSITIVE

logger = logging.getLogger(__name__)


@Model.register("nbsvm")
class NbsvmClassifier(Model):
    """
    NB-SVM (Wang & Manning 2012) over the binarized n-gram "tokens" of a `TextField`
    (use the `sentiment_ngrams` tokenizer). It is fitted in closed form by the `one_pass`
    trainer, which hands it every training batch once; there are no gradient steps. All that is
    learned (one weight per n-gram, an intercept and a probability calibration) lives in
    frozen parameters, so `best.th` and `model.tar.gz` hold it like any other model.

    Registered as a `Model` with name "nbsvm".

    # Parameters

    vocab : `Vocabulary`
    namespace : `str`, optional (default = `"tokens"`)
        Vocabulary namespace of the n-grams.
    alpha : `float`, optional (default = `1.0`)
        Smoothing of the naive-Bayes counts.
    beta : `float`, optional (default = `0.25`)
        The paper's interpolation weight for the SVM (1.0: none).
    C : `float`, optional (default = `1.0`)
        Inverse regularisation strength.
    classifier : `str`, optional (default = `"svm"`)
        `"svm"` or `"logreg"` (NB-LR).
    label_namespace : `str`, optional (default = `"labels"`)
    positive_label : `str`, optional (default = `"pos"`)
    seed : `int`, optional (default = `0`)
        The estimator's `random_state` (the SVM's solver and the calibration folds).
    """

    def __init__(
        self,
        vocab: Vocabulary,
        namespace: str = "tokens",
        alpha: float = 1.0,
        beta: float = 0.25,
        C: float = 1.0,
        classifier: str = "svm",
        label_namespace: str = "labels",
        positive_label: str = POSITIVE,
        seed: int = 0,
        **kwargs,
    ) -> None:
        super().__init__(vocab, **kwargs)
        if classifier not in CLASSIFIERS:
            raise ConfigurationError(f"classifier must be one of {CLASSIFIERS}, got {classifier!r}")
        labels = vocab.get_token_to_index_vocabulary(label_namespace)
        if len(labels) != 2 or positive_label not in labels:
            raise ConfigurationError(
                f"NB-SVM is a binary classifier: the '{label_namespace}' namespace must hold two labels "
                f"including '{positive_label}', found {sorted(labels)}"
            )
        self._namespace = namespace
        self._label_namespace = label_namespace
        self._positive_index = labels[positive_label]
        # n-grams outside the vocabulary carry no evidence: their column stays zero
        self._oov_index = vocab.get_token_index(vocab._oov_token, namespace)
        self._estimator = NBSVM(alpha=alpha, beta=beta, C=C, classifier=classifier, random_state=seed)
        # checked now, when the config is read, rather than after the training data
        self._estimator.validate_settings()
        # Frozen parameters rather than buffers: AllenNLP's predictors find the model's device
        # from its first parameter.
        frozen = lambda t: torch.nn.Parameter(t, requires_grad=False)  # noqa: E731
        self.weights = frozen(torch.zeros(vocab.get_vocab_size(namespace)))
        self.intercept = frozen(torch.zeros(()))
        # p(positive) = sigmoid(slope * margin + offset)
        self.calibration = frozen(torch.tensor([1.0, 0.0]))
        self._accuracy = CategoricalAccuracy()

    # -- fitting (called by the one_pass trainer) --------------------------------------------
    def fit_batches(self, batches: Iterable[Dict[str, Any]]) -> Dict[str, float]:
        rows: List[np.ndarray] = []
        labels: List[np.ndarray] = []
        for batch in batches:
            if "label" not in batch:
                raise ConfigurationError("NB-SVM needs labelled training data; a batch had no 'label'")
            ids, mask = self._ids_and_mask(batch["tokens"])
            for row, row_mask in zip(ids.cpu().numpy(), mask.cpu().numpy()):
                rows.append(row[row_mask & (row != self._oov_index)])
            labels.append((batch["label"] == self._positive_index).long().cpu().numpy())
        y = np.concatenate(labels) if labels else np.zeros(0, dtype=np.int64)
        rows, y = _gather_shards(rows, y)
        X = binary_matrix(rows, self.weights.shape[0])
        logger.info("Fitting NB-SVM on %d reviews x %d n-grams", X.shape[0], X.shape[1])
        self._estimator.fit(X, y)
        self.weights.copy_(torch.from_numpy(self._estimator.coef_).to(self.weights))
        # Padding and out-of-vocabulary columns were never observed; the SVM interpolation
        # would still give them a small weight, so they are zeroed explicitly.
        self.weights[0] = 0.0
        self.weights[self._oov_index] = 0.0
        self.intercept.fill_(self._estimator.intercept_)
        self.calibration.copy_(torch.tensor(self._estimator.calibration_))
        train_accuracy = float((self._estimator.predict(X) == y).mean())
        return {"accuracy": train_accuracy, "reviews": float(X.shape[0])}

    # -- prediction ----------------------------------------------------------------------------
    def _ids_and_mask(self, tokens: TextFieldTensors):
        ids = util.get_token_ids_from_text_field_tensors(tokens)
        mask = util.get_text_field_mask(tokens)
        # Binarize: keep each n-gram id once per review (sort, then drop repeats).
        ids, order = ids.sort(dim=1)
        mask = mask.gather(1, order)
        repeat = torch.zeros_like(mask)
        repeat[:, 1:] = ids[:, 1:] == ids[:, :-1]
        # padding (id 0) sorts first: a real id equal to its predecessor is a repeat either way
        return ids, mask & ~repeat

    def forward(  # type: ignore[override]
        self,
        tokens: TextFieldTensors,
        label: Optional[torch.IntTensor] = None,
        metadata: Optional[List[Dict[str, Any]]] = None,
    ) -> Dict[str, torch.Tensor]:
        ids, mask = self._ids_and_mask(tokens)
        margin = (self.weights[ids] * mask).sum(dim=1) + self.intercept
        slope, offset = self.calibration[0], self.calibration[1]
        logits = two_class_log_probs(slope * margin + offset, self._positive_index)
        output = {"logits": logits, "probs": logits.exp(), "margin": margin}
        if label is not None:
            output["loss"] = torch.nn.functional.nll_loss(logits, label.long().view(-1))
            self._accuracy(logits, label)
        return output

    def make_output_human_readable(self, output_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        return add_labels(self.vocab, self._label_namespace, output_dict)

    def get_metrics(self, reset: bool = False) -> Dict[str, float]:
        return {"accuracy": self._accuracy.get_metric(reset)}

    default_predictor = "sentiment"


def two_class_log_probs(log_odds: torch.Tensor, positive_index: int) -> torch.Tensor:
    """(n, 2) log-probabilities from the log-odds of the label at `positive_index` (0 or 1)."""
    log_positive = torch.nn.functional.logsigmoid(log_odds)
    log_negative = torch.nn.functional.logsigmoid(-log_odds)
    columns = [log_negative, log_positive] if positive_index == 1 else [log_positive, log_negative]
    return torch.stack(columns, dim=1)


def _gather_shards(rows: List[np.ndarray], y: np.ndarray) -> Tuple[List[np.ndarray], np.ndarray]:
    """Under `distributed` training each worker reads every `world_size`-th review (AllenNLP's
    `shard_iterable`); gather all workers' reviews and put them back in reading order, so that
    every worker fits the same model, with the same weights as a single process fitting the
    same reviews in the same order (with `shuffle: false`; shuffled batches differ in order
    only). Outside distributed training, the rows as they are."""
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return rows, y
    shards: List[Any] = [None] * dist.get_world_size()
    dist.all_gather_object(shards, (rows, y))
    merged_rows: List[np.ndarray] = []
    merged_labels: List[int] = []
    for i in range(max(len(shard[0]) for shard in shards)):
        for shard_rows, shard_labels in shards:
            if i < len(shard_rows):
                merged_rows.append(shard_rows[i])
                merged_labels.append(int(shard_labels[i]))
    return merged_rows, np.asarray(merged_labels, dtype=np.int64)


def add_labels(vocab: Vocabulary, namespace: str, output_dict: Dict[str, Any]) -> Dict[str, Any]:
    """Add the predicted label string for each row of ``output_dict["probs"]``."""
    probs = output_dict["probs"]
    rows = probs if probs.dim() == 2 else probs.unsqueeze(0)
    output_dict["label"] = [
        vocab.get_token_from_index(int(i), namespace=namespace) for i in rows.argmax(dim=-1)
    ]
    return output_dict
