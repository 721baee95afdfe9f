from typing import Optional, Sequence, Union

from allennlp.data import DatasetReader
from allennlp.models import Model
from allennlp.predictors import Predictor

from textflix_lib.algorithms.lime.explainer import DEFAULT_KERNEL_WIDTH
from textflix_lib.predictors.sentence_lime import SentenceLimePredictor


@Predictor.register("word_lime")
class WordLimePredictor(SentenceLimePredictor):
    """
    LIME over the words of a review, as in the LIME paper: suited to bag-of-words models such
    as NB-SVM (for sequence models, removing words makes incoherent text; prefer
    `sentence_lime`). Same input, options and output as `sentence_lime`, with words as
    `segments`; by default the K = 10 words chosen by K-LASSO carry weights, the other words 0.

    Registered as a `Predictor` with name "word_lime".

    # Parameters

    num_samples : `int`, optional (default = `1000`)
    num_features : `int`, optional (default = `10`)
    target : `str`, optional (default = `"probability"`)
        As in the LIME paper, whose faithfulness check docs/explanations.md repeats.
    bow : `bool`, optional (default = `True`)
        One feature per distinct word (every occurrence removed together); `false` gives each
        occurrence its own feature.
    mode : `str`, optional (default = `"drop"`)
        `"mask"` replaces removed words with `mask_string` instead.

    The other parameters are `sentence_lime`'s, `calibration_file` (calibrated probabilities)
    and `mixed_precision` included.
    """

    unit = "word"

    def __init__(
        self,
        model: Model,
        dataset_reader: DatasetReader,
        num_samples: int = 1000,
        batch_size: int = 32,
        kernel_width: float = DEFAULT_KERNEL_WIDTH,
        num_features: Optional[int] = 10,
        feature_selection: str = "auto",
        top_k: int = 3,
        mode: str = "drop",
        mask_string: str = "UNKWORDZ",
        positive_label: str = "pos",
        target: str = "probability",
        samples_per_feature: int = 0,
        bow: bool = True,
        seed: int = 0,
        frozen: bool = True,
        calibration_file: Union[None, str, Sequence[str]] = None,
        mixed_precision: bool = False,
    ) -> None:
        super().__init__(model, dataset_reader, num_samples=num_samples, batch_size=batch_size,
                         kernel_width=kernel_width, num_features=num_features,
                         feature_selection=feature_selection, top_k=top_k, mode=mode,
                         mask_string=mask_string, positive_label=positive_label, target=target,
                         samples_per_feature=samples_per_feature, bow=bow, seed=seed, frozen=frozen,
                         calibration_file=calibration_file, mixed_precision=mixed_precision)
