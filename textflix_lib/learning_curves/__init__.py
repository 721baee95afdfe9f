"""Learning curves: accuracy against the number of labelled training reviews.

Plain modules (no AllenNLP at import time), so the maths and the plots are quick to test and
reusable from a notebook:

- ``configs``: reads the Jsonnet configs of a sweep (AllenNLP's ``Params``, imported when called);
- ``plan``: which (config, size, seed) runs a sweep makes, and the parameters of each run;
- ``store``: the append-only JSONL of finished runs, which makes a sweep resumable;
- ``sweep``: runs the plan on Ray, in long-lived worker actors (``worker``), gathering the
  results into the store on the driver;
- ``aggregate``: mean and spread per (config, size), and Textflix's published curves;
- ``plots``: the learning-curve figure and per-run training histories;
- ``report``: writes the table and figures of a sweep directory.

The ``allennlp learning-curve`` subcommand (``textflix_lib.commands.learning_curve``) is the
thin AllenNLP layer on top.
"""
