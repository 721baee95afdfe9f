from typing import Optional

import numpy
from allennlp.common.util import JsonDict, sanitize
from allennlp.interpret.saliency_interpreters import SaliencyInterpreter
from allennlp.predictors import Predictor

from textflix_lib.algorithms.lime import Segmenter
from textflix_lib.algorithms.lime.explainer import DEFAULT_KERNEL_WIDTH
from textflix_lib.predictors.base import review_text
from textflix_lib.predictors.scoring import label_names, text_explainer


@SaliencyInterpreter.register("lime")
class LimeInterpreter(SaliencyInterpreter):
    """
    LIME as an `allennlp.interpret` saliency interpreter, for any predictor whose model outputs
    `probs` (e.g. `sentiment`). Saliency is given per sentence (or word), not per model token:
    a LIME unit is what a reader sees, and a transformer's word pieces are not.

    Registered as a `SaliencyInterpreter` with name "lime".

    `saliency_interpret_from_json({"text": ...})` returns `{"instance_1": {"grad_input_1": [...],
    "segments": [...], "label": ..., "fit_r2": ...}}`: `grad_input_1` holds each segment's
    absolute weight, normalised to sum to 1 (the convention of AllenNLP's gradient
    interpreters); `segments` the signed weights and offsets (into the cleaned text) of the
    `sentence_lime` predictor.

    # Parameters

    predictor : `Predictor`
    unit : `str`, optional (default = `"sentence"`)
    num_samples : `int`, optional (default = `64`)
    batch_size : `int`, optional (default = `32`)
    kernel_width : `float`, optional (default = `0.354`)
    num_features : `int`, optional (default = `None`)
    seed : `int`, optional (default = `0`)
    target : `str`, optional (default = `"log_odds"`)
        `"log_odds"` or `"probability"`, as in the `sentence_lime` predictor.
    """

    def __init__(self, predictor: Predictor, unit: str = "sentence", num_samples: int = 64,
                 batch_size: int = 32, kernel_width: float = DEFAULT_KERNEL_WIDTH,
                 num_features: Optional[int] = None, seed: int = 0, target: str = "log_odds") -> None:
        super().__init__(predictor)
        model, reader = predictor._model, predictor._dataset_reader
        self.labels = label_names(model)
        self.explainer = text_explainer(model, reader, Segmenter(unit), num_samples=num_samples,
                                        batch_size=batch_size, kernel_width=kernel_width,
                                        num_features=num_features, seed=seed, target=target)

    def saliency_interpret_from_json(self, inputs: JsonDict) -> JsonDict:
        explanation = self.explainer.explain(review_text(inputs).text)
        output = explanation.to_json(self.labels)
        magnitude = numpy.abs(explanation.segment_weights)
        total = magnitude.sum()
        output["grad_input_1"] = (magnitude / total if total > 0 else magnitude).tolist()
        return sanitize({"instance_1": output})
