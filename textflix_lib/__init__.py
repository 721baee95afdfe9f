"""textflix: few-label sentiment classification with transfer learning, explained with LIME.

Importing the package registers its AllenNLP components (``.allennlp_plugins`` and
``--include-package textflix_lib`` both do this), and tunes glibc's malloc for large tensors
(``textflix_lib.memory``; ``TEXTFLIX_MALLOC=system`` leaves it alone). The algorithms under
``textflix_lib.algorithms`` and ``textflix_lib.data`` do not need AllenNLP.
"""
__version__ = "0.1.0"

from textflix_lib.memory import keep_freed_memory  # noqa: E402

# glibc: reuse freed tensor memory instead of page-faulting it in again (textflix_lib.memory)
MALLOC_TUNED = keep_freed_memory()

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
