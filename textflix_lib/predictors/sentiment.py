from typing import Any, Dict, List

import numpy
from allennlp.common.util import JsonDict, sanitize
from allennlp.data import Instance
from allennlp.predictors import Predictor
from allennlp.predictors.text_classifier import TextClassifierPredictor

from textflix_lib.algorithms.calibration import apply_temperature
from textflix_lib.predictors.base import ReviewPredictor, with_passthrough
from textflix_lib.predictors.scoring import instance_probabilities


@Predictor.register("sentiment")
class SentimentPredictor(ReviewPredictor, TextClassifierPredictor):
    """
    Sentiment of a review for any textflix model (NB-SVM, word vectors, transformers).

    Registered as a `Predictor` with name "sentiment".

    Input: one JSON object per line, `{"text": "..."}` (or `{"sentence": "..."}`); other
    fields (an id, a movie id) are copied to the output unchanged. The text is cleaned as the
    training reviews were (`textflix_lib.predictors.base`). Output: `label`, `probability` of
    that label, and `probs`, each label's probability.

    # Parameters

    model : `Model`
    dataset_reader : `DatasetReader`
    frozen : `bool`, optional (default = `True`)
    calibration_file : `str` or `List[str]`, optional (default = `None`)
        Report temperature-scaled probabilities, ``softmax(log(p) / T)``, with the T that
        `allennlp calibration ARCHIVE test` fitted on the validation split and wrote to
        `calibration.json` (a list of files: the one fitted for this model). The label is
        unchanged; the probabilities mean what they say more nearly (docs/insight.md):
        `allennlp predict ARCHIVE reviews.jsonl --predictor sentiment --predictor-args
        '{"calibration_file": "runs/nbsvm/calibration.json"}'`.
    mixed_precision : `bool`, optional (default = `False`)
        Score in mixed precision (bfloat16 on a CPU), for models trained with
        ``trainer.use_amp`` (`configs/mpnet.jsonnet`): `--predictor-args '{"mixed_precision": true}'`.
    """

    def predict(self, text: str) -> JsonDict:  # type: ignore[override]
        return self.predict_json({"text": text})

    def predict_json(self, inputs: JsonDict) -> JsonDict:
        return self.predict_batch_json([inputs])[0]

    def predict_batch_json(self, inputs: List[JsonDict]) -> List[JsonDict]:
        outputs = self.predict_batch_instance([self._json_to_instance(i) for i in inputs])
        return [with_passthrough(i, o) for i, o in zip(inputs, outputs)]

    def predict_batch_instance(self, instances: List[Instance]) -> List[JsonDict]:
        for instance in instances:
            self._dataset_reader.apply_token_indexers(instance)
        probs = instance_probabilities(self._model, instances, self.mixed_precision)
        return [self.readable({"probs": row}) for row in probs]

    def predict_instance(self, instance: Instance) -> JsonDict:
        return self.predict_batch_instance([instance])[0]

    def readable(self, output: Dict[str, Any]) -> JsonDict:
        probs = numpy.asarray(output["probs"], dtype=float)
        if self.temperature != 1.0:
            probs = apply_temperature(probs, self.temperature)
        best = int(probs.argmax())
        return sanitize({"label": self.labels[best], "probability": float(probs[best]),
                         "probs": {label: float(p) for label, p in zip(self.labels, probs)}})
