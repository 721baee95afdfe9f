// A BERT-family transformer fine-tuned on 500 IMDB reviews with gradual unfreezing and
// discriminative learning rates (configs/lib/transformer_classifier.libsonnet explains
// every setting). The default encoder is the packaged all-MiniLM-L6-v2: offline, about
// 20 minutes of training on a 2-core CPU (docs/models.md).
//
//   allennlp train configs/bert.jsonnet -s runs/minilm
//   allennlp evaluate runs/minilm/model.tar.gz test
//   allennlp predict runs/minilm/model.tar.gz reviews.jsonl --predictor sentiment
//
// Another encoder is one line: "bert-base-uncased", "bert-large-uncased" (Hugging Face
// names: downloaded or read from the local cache) or a local directory.
local transformer = "minilm";

(import "lib/transformer_classifier.libsonnet")(
  transformer=transformer,
  train_size=500,
  seed=0,
)
