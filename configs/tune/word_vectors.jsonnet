// Search space of configs/word_vectors.jsonnet for `allennlp tune`: the optimiser's step,
// dropout, pooling and whether the GloVe vectors are fine-tuned or frozen. Pooling is
// searched among single modes only (mean, max, sum all give 50 numbers): the feed-forward
// input_dim is derived from it inside the Jsonnet, and an override does not recompute it.
//
//   allennlp tune configs/word_vectors.jsonnet --space configs/tune/word_vectors.jsonnet \
//       -s runs/tune-wv -o '{"dataset_reader.train_size": 500}' --trials 12 --folds 5 --train-best
{
  "trainer.optimizer.lr": { loguniform: [3e-4, 1e-2] },
  "model.feedforward.dropout": { uniform: [0, 0.5] },
  "model.seq2vec_encoder.mode": { choice: ["mean", "max", "sum"] },
  // false: frozen vectors (the archive is then small; the sparse optimiser sees no gradient for them)
  "model.text_field_embedder.token_embedders.tokens.trainable": { choice: [true, false] },
}
