from typing import Optional

from allennlp.predictors import Predictor

from textflix_lib.predictors.sentence_lime import SentenceLimePredictor


@Predictor.register("word_lime")
class WordLimePredictor(SentenceLimePredictor):
    """
    LIME over the words of a review, as in the LIME paper: suited to bag-of-words models such
    as NB-SVM (for sequence models, removing words makes incoherent text; prefer
    `sentence_lime`). Same input, options and output as `sentence_lime`, with words as
    `segments`; by default the K = 10 words chosen by K-LASSO carry weights, the other words 0.

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

    The other parameters are `sentence_lime`'s.
    """

    unit = "word"
    default_num_samples = 1000
    default_num_features: Optional[int] = 10
    default_target = "probability"
