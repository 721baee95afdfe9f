import json
import logging
import os
import shutil
from typing import Any, Dict, Iterable, List, Optional, Sequence

import numpy as np
import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import TextFieldTensors, Vocabulary
from allennlp.models import Model
from allennlp.training.metrics import CategoricalAccuracy

from textflix_lib.algorithms.self_training import NBSVMLearner, combine_log_odds, fit_calibrated_student, self_train
from textflix_lib.algorithms.text_features import binary_matrix
from textflix_lib.models.nbsvm import NbsvmClassifier, two_class_log_probs

logger = logging.getLogger(__name__)

# where a run keeps its copy of the prediction teacher (relative to the serialization
# directory); `include_in_archive` must name it so that model.tar.gz carries it
TEACHER_IN_ARCHIVE = "teacher/model.tar.gz"


@Model.register("self_training_nbsvm")
class SelfTrainingNbsvm(NbsvmClassifier):
    """
    NB-SVM self-trained on the unlabelled pool (issue 10), fitted by the `one_pass` trainer.

    The training data come from the `imdb_pool` reader: every review of the training pool,
    with its gold label in the `gold` metadata for the labelled sample and None for the rest.
    A teacher NB-SVM is fitted on the gold reviews; for each of `fractions` the most
    confident share of the pool (half from each class) gets the current model's label and a
    student is fitted on gold + pseudo-labelled reviews (`textflix_lib.algorithms.self_training`).
    The last student is the model: one weight per n-gram, like `nbsvm`, so prediction,
    evaluation and explanations are those of `nbsvm`.

    Registered as a `Model` with name "self_training_nbsvm".

    # Parameters

    fractions : `List[float]`, optional (default = `[0.1, 0.25, 0.5, 0.75, 1.0]`)
        Share of the unlabelled pool pseudo-labelled in each round (an empty list: NB-SVM on
        the gold reviews alone).
    calibrate_on_gold : `bool`, optional (default = `True`)
        Rescale the probability calibration by a temperature fitted on out-of-fold margins
        of the gold reviews only (`gold_calibration`; the decision is unchanged); `False`
        keeps `nbsvm`'s calibration on folds of gold + pseudo-labels, which is overconfident.
    teacher : `str`, optional (default = `None`)
        The `model.tar.gz` of another trained model (say MiniLM fine-tuned on the same labelled
        sample: `configs/bert.jsonnet`) that scores the unlabelled pool once; its log-odds,
        times `teacher_weight`, are added to NB-SVM's in every round's ranking and labelling
        (`self_train(prior=...)`), so the students learn from both teachers. It must not have
        seen the validation or test reviews. Scores are cached by the teacher archive's
        content (`textflix_lib.models.teacher`), so an interrupted fit resumes and a second
        student scores nothing again.
    teacher_weight : `float`, optional (default = `1.0`)
    teacher_cache_dir : `str`, optional (default = `~/.cache/textflix/teacher_scores`)
    teacher_batch_size : `int`, optional (default = `32`)
    prediction_teacher_weight : `float`, optional (default = `0.0`)
        Above 0, the teacher also predicts: the model's log-odds are the weighted mean
        ``(student + w * teacher) / (1 + w)`` of the calibrated student's and the teacher's
        (`combine_log_odds`), so `evaluate`, `predict` and the LIME predictors see the pair.
        The run copies the teacher archive to `teacher/model.tar.gz` in its serialization
        directory, and the config must archive it (`include_in_archive: ["teacher"]`, as
        `configs/self_training_teacher.jsonnet` does): the trained archive then loads and
        predicts without the original teacher file. Needs the reader's metadata (the text).
        `evaluate` also reports `student_accuracy` and `teacher_accuracy`.
    prediction_teacher_windows : `List[List[int]]`, optional (default = `None`)
        Other windows of a long review for the prediction teacher to read besides the one it
        was trained on, as `[head_tokens, tail_tokens]` of its `head_tail` tokenizer
        (`[[254, 0], [0, 254]]`: the first and the last 254 word pieces); its log-odds are
        the mean over all of them (`ArchivedTeacher`). Reviews that fit in every window are
        scored once; explaining a long review (`sentence_lime`) runs the teacher through every
        window of each perturbation. The pool is still scored through the trained window only.
        A teacher that reads whole reviews (not through `head_tail`, e.g. NB-SVM) ignores them,
        with a warning.
    teacher_mixed_precision : `bool`, optional (default = `False`)
        Score with the teacher (the pool, and at prediction) in mixed precision:
        `textflix_lib.precision.inference_autocast`, bfloat16 on a CPU, about 3 times faster
        there where the CPU has bfloat16 units (docs/models.md), slower where it has not. The
        scores differ slightly from float32's (they are cached apart).
    check_teacher_sample : `bool`, optional (default = `True`)
        Before the teacher scores the pool, check from the two configs that it was trained
        inside this run's labelled sample (same data, seed and split settings, `train_size` no
        larger: `textflix_lib.models.teacher.check_same_sample`); otherwise the "unlabelled"
        pool would hold reviews whose labels the teacher learned from. `false` skips the check
        (a teacher from elsewhere, used knowingly).
    **kwargs : the `nbsvm` model's parameters (alpha, beta, C, classifier, seed, ...).
    """

    def __init__(
        self,
        vocab: Vocabulary,
        fractions: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 1.0),
        calibrate_on_gold: bool = True,
        teacher: Optional[str] = None,
        teacher_weight: float = 1.0,
        teacher_cache_dir: Optional[str] = None,
        teacher_batch_size: int = 32,
        prediction_teacher_weight: float = 0.0,
        prediction_teacher_windows: Optional[List[List[int]]] = None,
        check_teacher_sample: bool = True,
        teacher_mixed_precision: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(vocab, **kwargs)
        fractions = list(fractions)
        if any(not 0 < f <= 1 for f in fractions):
            raise ConfigurationError(f"fractions must lie in (0, 1], got {fractions}")
        self._fractions = fractions
        self._calibrate_on_gold = calibrate_on_gold
        # the teacher is read at fit time only (a missing file is refused there): the trained
        # archive is an NB-SVM that loads and predicts without it
        self._teacher = teacher
        self._teacher_weight = teacher_weight
        self._teacher_cache_dir = teacher_cache_dir
        self._teacher_batch_size = teacher_batch_size
        self._check_teacher_sample = check_teacher_sample
        self._teacher_mixed_precision = bool(teacher_mixed_precision)
        self._label_vocab = vocab.get_token_to_index_vocabulary(self._label_namespace)
        self.last_fit: Dict[str, Any] = {}
        if not prediction_teacher_weight >= 0:
            raise ConfigurationError(f"prediction_teacher_weight must be >= 0, got {prediction_teacher_weight}")
        self._prediction_teacher_weight = float(prediction_teacher_weight)
        self._prediction_teacher = None
        if prediction_teacher_windows and self._prediction_teacher_weight == 0:
            raise ConfigurationError("prediction_teacher_windows are read by the teacher at prediction: set "
                                     "prediction_teacher_weight above 0 too")
        if self._prediction_teacher_weight > 0:
            if teacher is None:
                raise ConfigurationError("prediction_teacher_weight > 0 needs a teacher (model.teacher)")
            positive = vocab.get_token_from_index(self._positive_index, self._label_namespace)
            from textflix_lib.models.teacher import ArchivedTeacher

            self._prediction_teacher = ArchivedTeacher(self._prediction_teacher_archive(teacher), positive,
                                                       teacher_batch_size, windows=prediction_teacher_windows,
                                                       mixed_precision=teacher_mixed_precision)
            self._student_accuracy = CategoricalAccuracy()
            self._teacher_accuracy = CategoricalAccuracy()

    def _prediction_teacher_archive(self, teacher: str) -> str:
        """The teacher archive to predict with: the copy in the serialization directory when
        there is one (a trained archive being loaded, or a recovered run), else `teacher`,
        copied there first when a run is being trained."""
        if self.serialization_dir is None:
            return teacher
        kept = os.path.join(self.serialization_dir, TEACHER_IN_ARCHIVE)
        if os.path.isfile(kept):
            return kept
        config_path = os.path.join(self.serialization_dir, "config.json")
        if not os.path.isfile(config_path):
            return teacher
        with open(config_path, encoding="utf-8") as handle:
            archived = json.load(handle).get("include_in_archive") or []
        if not any(entry.rstrip("/") in ("teacher", "teacher/*", TEACHER_IN_ARCHIVE) for entry in archived):
            raise ConfigurationError(
                f"{config_path}: self_training_nbsvm with prediction_teacher_weight > 0 keeps its teacher in the "
                f"archive; add include_in_archive: [\"teacher\"] to the config (got {archived})")
        if not os.path.isfile(teacher):
            raise ConfigurationError(f"teacher archive {teacher!r} does not exist (expected a model.tar.gz), "
                                     f"and {kept} holds no copy of it")
        os.makedirs(os.path.dirname(kept), exist_ok=True)
        shutil.copyfile(teacher, kept + ".tmp")
        os.replace(kept + ".tmp", kept)
        return kept

    def fit_batches(self, batches: Iterable[Dict[str, Any]]) -> Dict[str, float]:
        rows: List[np.ndarray] = []
        gold: List[Optional[int]] = []
        texts: List[Optional[str]] = []
        for batch in batches:
            if self._teacher is not None:
                if "metadata" not in batch:
                    raise ConfigurationError("self_training_nbsvm with a teacher needs the reader's metadata "
                                             "(the review text): leave include_metadata on")
                texts.extend(m["text"] for m in batch["metadata"])
            ids, mask = self._ids_and_mask(batch["tokens"])
            for row, row_mask in zip(ids.cpu().numpy(), mask.cpu().numpy()):
                rows.append(row[row_mask & (row != self._oov_index)])
            if "gold" in batch:
                gold.extend(None if g is None else int(self._label_vocab[g] == self._positive_index) for g in batch["gold"])
            elif "label" in batch:
                gold.extend((batch["label"] == self._positive_index).long().cpu().numpy().tolist())
            else:
                raise ConfigurationError("self_training_nbsvm needs a 'gold' (imdb_pool reader) or 'label' field")
        X = binary_matrix(rows, self.weights.shape[0])
        known = np.array([g is not None for g in gold])
        if not known.any():
            raise ConfigurationError("self_training_nbsvm found no labelled review in the training data")
        y = np.array([g for g in gold if g is not None], dtype=int)
        X_gold, X_pool = X[np.flatnonzero(known)], X[np.flatnonzero(~known)]
        fractions = self._fractions if X_pool.shape[0] else []
        prior = None
        if self._teacher is not None and X_pool.shape[0]:
            from textflix_lib.models.teacher import check_same_sample, teacher_log_odds

            run_config = os.path.join(self.serialization_dir or "", "config.json")
            if self._check_teacher_sample:
                if self.serialization_dir is None or not os.path.isfile(run_config):
                    raise ConfigurationError("self_training_nbsvm checks the teacher's labelled sample against the "
                                             "run's config.json, which this model was built without (train it with "
                                             "allennlp train, or set check_teacher_sample to false)")
                with open(run_config, encoding="utf-8") as handle:
                    check_same_sample(self._teacher, json.load(handle))
            positive = self.vocab.get_token_from_index(self._positive_index, self._label_namespace)
            pool_texts = [text for text, g in zip(texts, gold) if g is None]
            prior = teacher_log_odds(self._teacher, pool_texts, positive, cache_dir=self._teacher_cache_dir,
                                     batch_size=self._teacher_batch_size,
                                     mixed_precision=self._teacher_mixed_precision)
        logger.info("Self-training NB-SVM: %d gold, %d unlabelled reviews, fractions %s", len(y), X_pool.shape[0], fractions)
        estimator = self._estimator
        rounds: List[Dict[str, float]] = []

        def make():
            return NBSVMLearner(C=estimator.C, beta=estimator.beta, seed=estimator.random_state)

        def record(round_, model, chosen, pseudo):
            rounds.append({"round": round_, "pseudo": int(len(chosen))})

        _, chosen, pseudo = self_train(make, (X_gold,), y, (X_pool,), fractions, callback=record, return_pseudo=True,
                                       prior=prior, prior_weight=self._teacher_weight)
        # the last student again with the configured estimator (its Platt calibration on folds,
        # rescaled on the gold reviews)
        fit_calibrated_student(estimator, X_gold, y, X_pool[chosen], pseudo, self._calibrate_on_gold)
        training_y = np.concatenate([y, pseudo])
        self.weights.copy_(torch.from_numpy(estimator.coef_).to(self.weights))
        self.weights[0] = 0.0
        self.weights[self._oov_index] = 0.0
        self.intercept.fill_(estimator.intercept_)
        self.calibration.copy_(torch.tensor(estimator.calibration_))
        self.last_fit = {"gold": int(len(y)), "unlabelled": int(X_pool.shape[0]), "rounds": rounds}
        metrics = {"gold_reviews": float(len(y)), "unlabelled_reviews": float(X_pool.shape[0]),
                   "pseudo_labelled": float(len(training_y) - len(y))}
        if prior is not None and len(chosen):
            # how often the pseudo-labels side with the teacher (1.0: the teacher decided them all)
            metrics["teacher_agreement"] = float(np.mean((prior[chosen] > 0).astype(int) == pseudo))
        return metrics

    def forward(  # type: ignore[override]
        self,
        tokens: TextFieldTensors,
        label: Optional[torch.IntTensor] = None,
        metadata: Optional[List[Dict[str, Any]]] = None,
        gold: Optional[List[Optional[str]]] = None,
    ) -> Dict[str, torch.Tensor]:
        if self._prediction_teacher is None:
            return super().forward(tokens, label, metadata)
        if metadata is None or any("text" not in m for m in metadata):
            raise ConfigurationError("self_training_nbsvm predicting with a teacher needs the reader's metadata "
                                     "(the review text): leave include_metadata on")
        output = super().forward(tokens, None, metadata)
        positive = self._positive_index
        student = output["logits"][:, positive] - output["logits"][:, 1 - positive]
        teacher = self._prediction_teacher.to(self.weights.device).log_odds([m["text"] for m in metadata])
        teacher = torch.as_tensor(teacher, dtype=student.dtype, device=student.device)
        combined = combine_log_odds(student, teacher, self._prediction_teacher_weight)
        output["student_probs"] = output["probs"]
        output["logits"] = two_class_log_probs(combined, positive)
        output["probs"] = output["logits"].exp()
        output["teacher_probs"] = two_class_log_probs(teacher, positive).exp()
        if label is not None:
            output["loss"] = torch.nn.functional.nll_loss(output["logits"], label.long().view(-1))
            self._accuracy(output["logits"], label)
            self._student_accuracy(output["student_probs"], label)
            self._teacher_accuracy(output["teacher_probs"], label)
        return output

    def get_metrics(self, reset: bool = False) -> Dict[str, float]:
        metrics = super().get_metrics(reset)
        if self._prediction_teacher is not None:
            metrics["student_accuracy"] = self._student_accuracy.get_metric(reset)
            metrics["teacher_accuracy"] = self._teacher_accuracy.get_metric(reset)
        return metrics
