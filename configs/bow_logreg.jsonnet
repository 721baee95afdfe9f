// The Keras tutorial's first baseline: logistic regression on bag-of-words counts.
// Written with AllenNLP's own pieces: each word of the training vocabulary gets one learned
// weight (an embedding of size 1), the weights are pooled over the review, and the
// classification layer turns the result into softmax probabilities; that is a linear model
// of the word counts. 500 training reviews by default.
//
//   allennlp train configs/bow_logreg.jsonnet -s runs/bow_logreg
//   allennlp evaluate runs/bow_logreg/model.tar.gz test
local imdb = import "lib/imdb.libsonnet";

local train_size = 500;
local seed = 0;
local pooling = "mean";  // "mean": term frequencies; "sum": raw counts

imdb.data + imdb.seeds(seed) + imdb.loaders(batch_size=32, eval_batch_size=256) + {
  dataset_reader: imdb.reader(train_size, seed,
                              tokenizer={ type: "spacy", language: "blank:en" },
                              token_indexers={ tokens: { type: "single_id", lowercase_tokens: true } }),
  model: {
    type: "basic_classifier",
    // words outside the training vocabulary map to @@UNKNOWN@@, whose weight is learned too
    text_field_embedder: { token_embedders: { tokens: { type: "embedding", embedding_dim: 1 } } },
    seq2vec_encoder: { type: "pooling", embedding_dim: 1, mode: pooling },
  },
  trainer: {
    num_epochs: 100,
    patience: 10,  // on validation accuracy; the best epoch's weights are kept
    validation_metric: "+accuracy",
    optimizer: { type: "adam", lr: 0.01 },
  },
}
