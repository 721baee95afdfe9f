"""Scoring big files on several workers: the plain parts (no AllenNLP).

- `ordered_output`: reading a JSON-lines input in numbered chunks, the output's manifest and
  resume point, writing results in the input's order.
- `ray_pool`: running chunks on Ray actors, every actor kept busy, results handed back in
  the order the chunks were given.

`allennlp predict-parallel` (`textflix_lib.commands.predict_parallel`) is the AllenNLP layer
over them; docs/scale_out.md explains the whole.
"""
