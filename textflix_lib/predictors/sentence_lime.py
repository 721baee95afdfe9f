import dataclasses
from typing import List, Optional, Sequence, Union

from allennlp.common.checks import ConfigurationError
from allennlp.common.util import JsonDict
from allennlp.data import DatasetReader
from allennlp.models import Model
from allennlp.predictors import Predictor

from textflix_lib.algorithms.lime import ExplainedReview, ExplainedSegment, Segmenter, TextExplanation
from textflix_lib.algorithms.lime.explainer import DEFAULT_KERNEL_WIDTH
from textflix_lib.data.cleaning import CleanText
from textflix_lib.predictors.base import ReviewPredictor, review_text, with_passthrough
from textflix_lib.predictors.scoring import text_explainer


@Predictor.register("sentence_lime")
class SentenceLimePredictor(ReviewPredictor):
    """
    Explains a classifier's prediction for a review with LIME over its sentences: which
    sentences pushed the model toward its label, and how much. Works for any textflix model
    (NB-SVM, word vectors, transformers): the archive's reader tokenizes each perturbed text.

    Registered as a `Predictor` with name "sentence_lime".

    Input: `{"text": "..."}` (or `"sentence"`); other fields are copied to the output
    unchanged. The text is cleaned as training reviews were before the model and the sentence
    splitter see it; offsets point into the text as sent. Output (`ExplainedReview.to_json`):
    `version`, `label`, `probability`, `probs`, `unit`, `segments` (every sentence in order:
    `text`, `start`, `end` character offsets, `weight` toward the predicted label,
    `positive_weight` toward `positive_label`), `highlights` (the `top_k` segments by absolute
    weight), `fit_r2` (the surrogate's weighted R^2), `intercept`, `exact` (all subsets
    enumerated) and `model_calls` (distinct texts scored).

    Options go in `--predictor-args` (`allennlp predict ... --predictor-args '{"num_samples": 500}'`).

    # Parameters

    model : `Model`
    dataset_reader : `DatasetReader`
    num_samples : `int`, optional (default = `64`)
        LIME's sample budget; reviews with at most log2(num_samples) sentences are enumerated.
        64 ranked sentences as well as 256 and as `lime`'s 5,000 in our measurements, and keeps
        a MiniLM explanation near 5 CPU-seconds (docs/explanations.md).
    batch_size : `int`, optional (default = `32`)
        Perturbed texts per model call, sorted by length.
    kernel_width : `float`, optional (default = `0.354`)
    num_features : `int`, optional (default = `None`)
        K; `None` gives every sentence a weight.
    feature_selection : `str`, optional (default = `"auto"`)
        `"lasso"`, `"forward"`, `"highest_weights"`, `"none"` or `"auto"`.
    samples_per_feature : `int`, optional (default = `0`)
        Raise the budget to this many samples per sentence for long reviews.
    top_k : `int`, optional (default = `3`)
        Highlights to list.
    mode : `str`, optional (default = `"drop"`)
        `"drop"` removes sentences; `"mask"` replaces them with `mask_string`.
    mask_string : `str`, optional (default = `"UNKWORDZ"`)
    target : `str`, optional (default = `"log_odds"`)
        What the weights explain: the log-odds of the label (additive evidence that does not
        saturate for confident predictions; with it 64 samples ranked sentences within 1% of
        `lime`'s 5,000, docs/explanations.md) or `"probability"` (the LIME paper).
    positive_label : `str`, optional (default = `"pos"`)
        For two-label models, `positive_weight` is the weight toward this label.
    bow : `bool`, optional (default = `True`)
        Words only (see `word_lime`).
    seed : `int`, optional (default = `0`)
    frozen : `bool`, optional (default = `True`)
    calibration_file : `str` or `List[str]`, optional (default = `None`)
        Explain temperature-scaled probabilities, ``softmax(log(p) / T)``, with the T that
        `allennlp calibration ARCHIVE test` wrote to `calibration.json` (a list of files: the
        one fitted for this model's weights is used). `probability` and `probs` are then
        calibrated; the label is unchanged, and with `target` `"log_odds"` every weight of a
        two-label model is divided by T. The Textflix site's certainty is calibrated with
        `allennlp textflix ... --predictor-args '{"calibration_file": [".../calibration.json", ...]}'`.
    mixed_precision : `bool`, optional (default = `False`)
        Score the perturbed texts in mixed precision (bfloat16 on a CPU), for models trained
        with ``trainer.use_amp`` (`configs/mpnet.jsonnet`); the site's precompute does it for
        such archives by itself.
    """

    unit = "sentence"

    def __init__(
        self,
        model: Model,
        dataset_reader: DatasetReader,
        num_samples: int = 64,
        batch_size: int = 32,
        kernel_width: float = DEFAULT_KERNEL_WIDTH,
        num_features: Optional[int] = None,
        feature_selection: str = "auto",
        top_k: int = 3,
        mode: str = "drop",
        mask_string: str = "UNKWORDZ",
        positive_label: str = "pos",
        target: str = "log_odds",
        samples_per_feature: int = 0,
        bow: bool = True,
        seed: int = 0,
        frozen: bool = True,
        calibration_file: Union[None, str, Sequence[str]] = None,
        mixed_precision: bool = False,
    ) -> None:
        super().__init__(model, dataset_reader, frozen, calibration_file, mixed_precision)
        try:
            self.explainer = text_explainer(
                model, dataset_reader, Segmenter(self.unit, bow, mode, mask_string),
                num_samples=num_samples, batch_size=batch_size, kernel_width=kernel_width,
                num_features=num_features, feature_selection=feature_selection, target=target,
                samples_per_feature=samples_per_feature, seed=seed, temperature=self.temperature,
                mixed_precision=self.mixed_precision,
            )
        except ValueError as error:
            raise ConfigurationError(f"{type(self).__name__}: {error}") from error
        self.top_k = top_k
        self.positive_label = positive_label

    def explain(self, text: str) -> TextExplanation:
        """LIME's explanation of `text` as it is (no cleaning, offsets into `text`)."""
        return self.explainer.explain(text)

    def explain_json(self, inputs: JsonDict) -> ExplainedReview:
        """The explanation of one input object: its text cleaned, offsets mapped back to the
        text as sent, pass-through fields in `extra`."""
        clean = review_text(inputs)
        record = self.explain(clean.text).record(self.labels, self.positive_label, self.top_k)
        segments = _to_source(record.segments, clean)
        extra = with_passthrough(inputs, {})
        return dataclasses.replace(record, segments=segments, extra=extra)

    def predict(self, text: str) -> JsonDict:
        return self.predict_json({"text": text})

    def predict_json(self, inputs: JsonDict) -> JsonDict:
        return self.explain_json(inputs).to_json()

    def predict_batch_json(self, inputs: List[JsonDict]) -> List[JsonDict]:
        # each review's perturbations are already batched; reviews go one after the other
        return [self.predict_json(i) for i in inputs]


def _to_source(segments: List[ExplainedSegment], clean: CleanText) -> List[ExplainedSegment]:
    if clean.unchanged:
        return segments
    mapped = []
    for segment in segments:
        start, end = clean.source_span(segment.start, segment.end)
        mapped.append(ExplainedSegment(clean.source[start:end], start, end, segment.weight, segment.positive_weight))
    return mapped
