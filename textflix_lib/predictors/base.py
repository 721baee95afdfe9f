"""What every textflix predictor does with a review: read one JSON object per line, find and
check its text, clean it the way the training reviews were cleaned, and give back the fields
the user passed through, unchanged.

- **Input**: `{"text": "..."}` (or `"sentence"`); any other field is copied to the output as
  it came (``null`` stays ``null``). A bad line raises `ConfigurationError`; `allennlp
  predict` adds the file and line number (see `textflix_compat`).
- **Cleaning**: the text the model sees is `clean_review(text)` (HTML residue, entities, white
  space), exactly as the reader cleans training reviews; offsets in the output point into
  the text the user sent (`textflix_lib.data.cleaning`).
- **Empty reviews**: a text that is empty once cleaned (``""``, blanks, only ``<br />``) has
  nothing to classify; it is an error naming the field, as it is for the readers (which
  reject such a line naming the file and line) and the site.
"""
import json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from allennlp.common.checks import ConfigurationError
from allennlp.common.util import JsonDict
from allennlp.data import DatasetReader, Instance
from allennlp.models import Model
from allennlp.predictors import Predictor

from textflix_lib.data.cleaning import CleanText, clean_with_offsets
from textflix_lib.precision import trained_in_mixed_precision
from textflix_lib.predictors.scoring import calibration_temperature, label_names

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


def review_text(json_dict: JsonDict) -> CleanText:
    """The input's text, checked and cleaned (`CleanText`: the cleaned text and its offsets
    into the original). Raises `ConfigurationError` when there is no text to classify."""
    clean = clean_with_offsets(text_of(json_dict))
    if not clean.text:
        key = next(k for k in TEXT_KEYS if k in json_dict)
        raise ConfigurationError(
            f"field '{key}' holds no review text (nothing is left once HTML residue and white space "
            "are removed); expected the review's text")
    return clean


def with_passthrough(inputs: JsonDict, output: Dict[str, Any]) -> Dict[str, Any]:
    """The input's other fields, exactly as they came, followed by the output (whose keys win)."""
    extra = {k: v for k, v in inputs.items() if k not in TEXT_KEYS and k not in output}
    return {**extra, **output}


def predictor_from_archive(archive, predictor_name: Optional[str] = None, dataset_reader_to_load: str = "validation",
                           predictor_args: Optional[Mapping[str, Any]] = None) -> Predictor:
    """`Predictor.from_archive`, with textflix's predictors scoring in the precision the archive
    was trained in: without `mixed_precision` in `predictor_args`, a `ReviewPredictor` (the
    `sentiment`, `sentence_lime` and `word_lime` predictors) of an archive trained with
    ``trainer.use_amp`` scores in mixed precision (bfloat16 on a CPU with bfloat16 units,
    `textflix_lib.precision.autocast_dtype`), of any other archive in float32. Other predictors
    get `predictor_args` as they are. `allennlp predict` builds its predictor through this
    (`textflix_compat`)."""
    args = dict(predictor_args or {})
    if not predictor_name:  # the model's default predictor, as `Predictor.from_archive` picks it
        model_class, _ = Model.resolve_class_name(archive.config.get("model").get("type"))
        predictor_name = model_class.default_predictor
    if predictor_name is not None and issubclass(Predictor.by_name(predictor_name), ReviewPredictor):
        args.setdefault("mixed_precision", trained_in_mixed_precision(archive.config.as_dict(quiet=True)))
    return Predictor.from_archive(archive, predictor_name, dataset_reader_to_load=dataset_reader_to_load,
                                  extra_args=args)


def predictor_from_path(archive_path: str, predictor_name: str, cuda_device: int = -1,
                        predictor_args: Optional[Mapping[str, Any]] = None) -> Predictor:
    """`Predictor.from_path` through `predictor_from_archive`: textflix's predictors score in
    the precision the archive was trained in unless `predictor_args` name `mixed_precision`."""
    from allennlp.models.archival import load_archive

    return predictor_from_archive(load_archive(archive_path, cuda_device=cuda_device), predictor_name,
                                  predictor_args=predictor_args)


class ReviewPredictor(Predictor):
    """The common ground of the `sentiment`, `sentence_lime` and `word_lime` predictors (not
    registered itself). `labels` are the model's labels in the order of its `probs`;
    `temperature` is 1.0 unless a `calibration_file` (see above) gave one; with
    `mixed_precision` the model scores under `textflix_lib.precision.inference_autocast`
    (bfloat16 on a CPU: for a model trained with ``trainer.use_amp``; faster on a CPU with
    bfloat16 units, docs/models.md)."""

    def __init__(self, model: Model, dataset_reader: DatasetReader, frozen: bool = True,
                 calibration_file: Union[None, str, Sequence[str]] = None, mixed_precision: bool = False) -> None:
        super().__init__(model, dataset_reader, frozen)
        self.mixed_precision = bool(mixed_precision)
        self.labels: List[str] = label_names(model)
        try:
            self.temperature: float = calibration_temperature(model, calibration_file)
        except ValueError as error:
            raise ConfigurationError(f"{type(self).__name__}: {error}") from error

    def load_line(self, line: str) -> JsonDict:
        # validate here, where `allennlp predict` still knows the line number
        inputs = json.loads(line)
        review_text(inputs)
        return inputs

    def _json_to_instance(self, json_dict: JsonDict) -> Instance:
        return self._dataset_reader.text_to_instance(review_text(json_dict).text)
