// Search space of configs/word_vectors.jsonnet for `allennlp tune`: the optimiser's step,
// the feed-forward layer, dropout and early stopping (fine-tuned GloVe and mean pooling
// stay as chosen; pooling is not searched here because the feed-forward input_dim is
// derived from it inside the Jsonnet).
//
//   allennlp tune configs/word_vectors.jsonnet configs/tune/word_vectors.jsonnet -s runs/tune-wv \
//       --samples 12 --folds 5 --train-best
{
  "trainer.optimizer.lr": { loguniform: [3e-4, 1e-2] },
  "model.feedforward.hidden_dims": { choice: [32, 64, 128] },
  "model.feedforward.dropout": { uniform: [0, 0.5] },
  "trainer.patience": { choice: [5, 10] },
}
