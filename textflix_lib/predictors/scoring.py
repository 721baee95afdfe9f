"""A trained model as a plain scoring function, and the LIME explainer built on it.

`probability_function(model, reader)` turns an archive's model and reader into
``texts -> (len(texts), labels) probabilities``, the numpy interface the LIME code in
`textflix_lib.algorithms.lime` (and the experiments, and the site's precompute) works with.
`label_names(model)` is the one place that knows how to read a model's labels, and
`text_explainer(...)` the one place a `TextExplainer` is assembled for a model.

Calibrated probabilities: `probability_function(..., temperature=T)` returns
``softmax(log(p) / T)`` instead of `p` (temperature scaling, fitted by `allennlp calibration`;
`calibration_temperature` reads its file and checks it belongs to the model).
"""
import hashlib
from typing import Callable, List, Optional, Sequence, Union

import numpy
import torch
from allennlp.data import Batch, DatasetReader, Instance
from allennlp.models import BasicClassifier, Model
from allennlp.nn import util as nn_util

from textflix_lib.algorithms.calibration import apply_temperature, choose_calibration
from textflix_lib.algorithms.lime import BatchScorer, LimeExplainer, Segmenter, TextExplainer
from textflix_lib.algorithms.lime.explainer import DEFAULT_KERNEL_WIDTH
from textflix_lib.precision import inference_autocast

PredictTexts = Callable[[List[str]], numpy.ndarray]


def label_namespace(model: Model) -> str:
    """The vocabulary namespace of a classifier's labels: its public `label_namespace` (our
    models), else the `label_namespace` argument AllenNLP's `BasicClassifier` keeps as
    `_label_namespace`, else `"labels"`."""
    namespace = getattr(model, "label_namespace", None)
    if namespace is None:
        namespace = getattr(model, "_label_namespace", "labels")
    return str(namespace)


def label_names(model: Model) -> List[str]:
    """The model's labels in the order of its `probs` columns."""
    namespace = label_namespace(model)
    vocab = model.vocab
    return [vocab.get_token_from_index(i, namespace) for i in range(vocab.get_vocab_size(namespace))]


def model_fingerprint(model: Model) -> str:
    """A digest of the model's weights and labels: the same trained model gives the same
    fingerprint wherever its archive is loaded. Calibration files record it."""
    digest = hashlib.sha1()
    digest.update("\n".join(label_names(model)).encode("utf-8"))
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode("utf-8"))
        values = tensor.detach().cpu()
        if values.is_sparse:
            values = values.to_dense()
        digest.update(values.contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


def calibration_temperature(model: Model, calibration_file: Union[None, str, Sequence[str]]) -> float:
    """The temperature fitted for `model` in `calibration_file` (a path, or a list of paths
    of which the one fitted for this model is taken); 1.0 when there is none. Raises
    `ValueError` when no file fits the model (another model's fingerprint or labels)."""
    if not calibration_file:
        return 1.0
    paths = [calibration_file] if isinstance(calibration_file, str) else list(calibration_file)
    return float(choose_calibration(paths, model_fingerprint(model), label_names(model))["temperature"])


def instance_probabilities(model: Model, instances: List[Instance], mixed_precision: bool = False) -> numpy.ndarray:
    """The model's `probs` for already indexed `instances`, as one batch: ``(len(instances),
    labels)`` float64, computed under `textflix_lib.precision.inference_autocast` when
    `mixed_precision` (bfloat16 on a CPU).

    In mixed precision the softmax is taken again in float32: bfloat16 keeps 8 bits of a
    probability, so its rows sum to 1 only within 0.002-0.004 and a probability above 0.998
    rounds to 1 (infinite log-odds). AllenNLP's `BasicClassifier` (the transformer configs) gets
    ``softmax(logits)`` in float32 from its bfloat16 logits; another model's `probs` are
    renormalised in float32."""
    batch = Batch(instances)
    batch.index_instances(model.vocab)
    device = model._get_prediction_device()
    inputs = nn_util.move_to_device(batch.as_tensor_dict(), device)
    with torch.no_grad(), inference_autocast(torch.device("cpu") if device < 0 else device, mixed_precision):
        output = model(**inputs)
    probs = output["probs"].detach().float()
    if mixed_precision:
        if isinstance(model, BasicClassifier) and "logits" in output:
            probs = torch.softmax(output["logits"].detach().float(), dim=-1)
        else:
            probs = probs / probs.sum(dim=-1, keepdim=True)
    return probs.cpu().numpy().astype(float)


def probability_function(model: Model, reader: DatasetReader, temperature: float = 1.0,
                         mixed_precision: bool = False) -> PredictTexts:
    """``texts -> (len(texts), labels) probabilities`` for any classifier whose output has
    `probs`: the archive's own reader tokenizes (n-grams, word pieces, ...), the model scores
    the whole list as one batch (`BatchScorer` decides the batches). Unlike
    `forward_on_instances` it skips `make_output_human_readable`, which LIME does not need.
    With `temperature` T other than 1 the probabilities are temperature-scaled,
    ``softmax(log(p) / T)`` (`textflix_lib.algorithms.calibration`). With `mixed_precision` the
    forward pass runs under `textflix_lib.precision.inference_autocast` (bfloat16 on a CPU)."""

    def predict_texts(texts: List[str]) -> numpy.ndarray:
        instances: List[Instance] = []
        for text in texts:
            instance = reader.text_to_instance(text)
            reader.apply_token_indexers(instance)
            instances.append(instance)
        probs = instance_probabilities(model, instances, mixed_precision)
        return probs if temperature == 1.0 else apply_temperature(probs, temperature)

    return predict_texts


def text_explainer(
    model: Model,
    reader: DatasetReader,
    segmenter: Segmenter,
    num_samples: int = 64,
    batch_size: int = 32,
    kernel_width: float = DEFAULT_KERNEL_WIDTH,
    num_features: Optional[int] = None,
    feature_selection: str = "auto",
    target: str = "log_odds",
    samples_per_feature: int = 0,
    seed: int = 0,
    temperature: float = 1.0,
    mixed_precision: bool = False,
) -> TextExplainer:
    """LIME over `segmenter`'s units of a text, scored by `model` through `reader` (its
    probabilities temperature-scaled when `temperature` is not 1; in mixed precision when
    `mixed_precision`). Raises `ValueError` for settings LIME does not accept."""
    return TextExplainer(
        BatchScorer(probability_function(model, reader, temperature, mixed_precision), batch_size),
        LimeExplainer(num_samples=num_samples, kernel_width=kernel_width, num_features=num_features,
                      feature_selection=feature_selection, seed=seed, target=target,
                      samples_per_feature=samples_per_feature),
        segmenter,
    )
