"""textflix: few-label sentiment classification with transfer learning, explained with LIME.

Importing the package registers its AllenNLP components (``.allennlp_plugins`` and
``--include-package textflix_lib`` both do this). The algorithms under
``textflix_lib.algorithms`` and ``textflix_lib.data`` do not need AllenNLP.
"""
__version__ = "0.1.0"

from textflix_lib import (  # noqa: F401,E402
    commands,
    dataset_readers,
    interpret,
    models,
    modules,
    predictors,
    token_indexers,
    tokenizers,
    training,
)
from textflix_lib.commands import predict_parallel  # noqa: F401,E402  (allennlp predict-parallel)
