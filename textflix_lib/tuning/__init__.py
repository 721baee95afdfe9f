"""Hyper-parameter search on Ray Tune, scored by k-fold cross-validation inside the training
sample or on the validation split (`allennlp tune`).

Plain modules (no AllenNLP or Ray at import time; both are imported inside the functions that
train or search):

- ``space``: the search space (a JSON/Jsonnet object of dotted keys and distributions), checked,
  and turned into Ray Tune's sampling domains;
- ``folds``: a trial's config (the base config with its values) and its folds' configs (the
  ``imdb`` reader cuts stratified folds of the training data itself);
- ``trainable``: the Ray Tune trainable: a trial trains its folds in turn, each with the
  learning-curve ``RunWorker``, and reports each fold's record;
- ``search``: the driver: Ray Tune with Optuna's TPE or a seeded random search (ASHA between
  folds if asked), the fold records appended to ``folds.jsonl`` (which makes a search
  resumable: TPE is told the finished trials again), the report, the best config and
  ``best_overrides.json``;
- ``report``: trials ranked by their mean over folds, as CSV and Markdown;
- ``plots``: ``scores.png``/``.svg``, the score against the trial and against each key.

The ``allennlp tune`` subcommand (``textflix_lib.commands.tune``) is the thin AllenNLP layer.
"""
