import json
from typing import Any, Dict, List

import numpy
from allennlp.common.checks import ConfigurationError
from allennlp.common.util import JsonDict, sanitize
from allennlp.data import Instance
from allennlp.predictors import Predictor
from allennlp.predictors.text_classifier import TextClassifierPredictor

TEXT_KEYS = ("text", "sentence")


def text_of(json_dict: JsonDict) -> str:
    """The review in a predictor input: its `text` (or `sentence`) field, as a string."""
    if not isinstance(json_dict, dict):
        raise ConfigurationError(f"expected a JSON object like {{\"text\": \"...\"}}, got {type(json_dict).__name__}")
    for key in TEXT_KEYS:
        if key in json_dict:
            value = json_dict[key]
            if not isinstance(value, str):
                raise ConfigurationError(f"field '{key}' must be a string, got {type(value).__name__}")
            return value
    raise ConfigurationError(f"expected a 'text' (or 'sentence') field, found {sorted(json_dict)}")


@Predictor.register("sentiment")
class SentimentPredictor(TextClassifierPredictor):
    """
    Sentiment of a review for any textflix model (NB-SVM, word vectors, transformers).

    Input: one JSON object per line, `{"text": "..."}` (or `{"sentence": "..."}`); other
    fields (an id, a movie id) are copied to the output. Output: `label`, `probability` of
    that label, and `probs`, each label's probability.
    """

    def load_line(self, line: str) -> JsonDict:
        # validate here, where `allennlp predict` still knows the line number
        inputs = json.loads(line)
        text_of(inputs)
        return inputs

    def predict(self, text: str) -> JsonDict:  # type: ignore[override]
        return self.predict_json({"text": text})

    def _json_to_instance(self, json_dict: JsonDict) -> Instance:
        return self._dataset_reader.text_to_instance(text_of(json_dict))

    def predict_json(self, inputs: JsonDict) -> JsonDict:
        return self.predict_batch_json([inputs])[0]

    def predict_batch_json(self, inputs: List[JsonDict]) -> List[JsonDict]:
        outputs = self.predict_batch_instance([self._json_to_instance(i) for i in inputs])
        return [self._with_passthrough(i, o) for i, o in zip(inputs, outputs)]

    def predict_batch_instance(self, instances: List[Instance]) -> List[JsonDict]:
        return [self.readable(o) for o in super().predict_batch_instance(instances)]

    def predict_instance(self, instance: Instance) -> JsonDict:
        return self.predict_batch_instance([instance])[0]

    @property
    def label_namespace(self) -> str:
        return getattr(self._model, "_label_namespace", "labels")

    def labels(self) -> List[str]:
        vocab = self._model.vocab
        return [vocab.get_token_from_index(i, self.label_namespace) for i in range(vocab.get_vocab_size(self.label_namespace))]

    def readable(self, output: Dict[str, Any]) -> JsonDict:
        probs = numpy.asarray(output["probs"], dtype=float)
        labels = self.labels()
        best = int(probs.argmax())
        return sanitize({"label": labels[best], "probability": float(probs[best]),
                         "probs": {label: float(p) for label, p in zip(labels, probs)}})

    @staticmethod
    def _with_passthrough(inputs: JsonDict, output: JsonDict) -> JsonDict:
        extra = {k: v for k, v in inputs.items() if k not in TEXT_KEYS and k not in output}
        return {**extra, **output}
