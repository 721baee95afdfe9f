// The Keras tutorial's 1-D CNN: word embeddings, 128 convolution filters of width 5,
// global max pooling, a dense layer of 10, softmax. 500 training reviews by default.
//
//   allennlp train configs/cnn.jsonnet -s runs/cnn
//   allennlp evaluate runs/cnn/model.tar.gz test
//
// `embeddings: "glove"` starts from the packaged GloVe 6B 50-d vectors (indexed by GloVe
// row, fine-tuned); `"trained"` learns 50-d embeddings of the training vocabulary from scratch.
local imdb = import "lib/imdb.libsonnet";

local train_size = 500;
local seed = 0;
local embeddings = "glove";  // or "trained"
local dim = 50;
local width = 5;

local indexer = if embeddings == "glove" then
  { type: "glove", token_min_padding_length: width }
else
  { type: "single_id", lowercase_tokens: true, token_min_padding_length: width };
local embedder = if embeddings == "glove" then
  { type: "glove", trainable: true, sparse: true }  // only the batch's rows step (docs/models.md)
else
  { type: "embedding", embedding_dim: dim };

imdb.data + imdb.seeds(seed) + imdb.loaders(batch_size=32, eval_batch_size=256) + {
  dataset_reader: imdb.reader(train_size, seed,
                              tokenizer={ type: "spacy", language: "blank:en" },
                              token_indexers={ tokens: indexer }),
  model: {
    type: "basic_classifier",
    namespace: if embeddings == "glove" then "glove" else "tokens",
    text_field_embedder: { token_embedders: { tokens: embedder } },
    seq2vec_encoder: {
      type: "cnn",
      embedding_dim: dim,
      num_filters: 128,
      ngram_filter_sizes: [width],
      conv_layer_activation: "relu",
    },
    feedforward: { input_dim: 128, num_layers: 1, hidden_dims: 10, activations: "relu" },
    dropout: 0.5,
  },
  trainer: {
    num_epochs: 60,  // 40 stopped two of three seeds while validation still rose
    patience: 8,  // on validation accuracy; the best epoch's weights are kept
    validation_metric: "+accuracy",
    // dense_sparse_adam: Adam that also takes the GloVe matrix's sparse gradients
    optimizer: { type: if embeddings == "glove" then "dense_sparse_adam" else "adam", lr: 1e-3 },
  },
}
