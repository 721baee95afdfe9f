// configs/bert.jsonnet with the packaged MiniLM adapted to movie reviews first: masked-language
// modelling on the training pool's texts (no labels; validation and test are not in it), done
// once per pool and reused by every seed and training-set size (docs/models.md, issue 10):
//
//   allennlp adapt-encoder --output-dir runs/minilm_imdb      # once: ~150 s on one H200
//   allennlp train configs/bert_adapted.jsonnet -s runs/minilm_imdb500
//   allennlp train configs/bert_adapted.jsonnet -s runs/minilm_imdb100 \
//     -o '{"dataset_reader.train_size": 100, "trainer.num_epochs": 20}'
//
// The encoder is read from this path (relative to where allennlp runs) when a model is built,
// archives included; an encoder adapted elsewhere is one line away.
local transformer = "runs/minilm_imdb";

(import "lib/transformer_classifier.libsonnet")(
  transformer=transformer,
  train_size=500,
  seed=0,
)
