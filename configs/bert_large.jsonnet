// Textflix's own setting, ready for a GPU: BERT-large (uncased) fine-tuned on 500 IMDB
// reviews for 20 epochs with Adam(W), gradual unfreezing and discriminative learning rates.
// It runs on the first GPU when there is one and on the CPU otherwise, with no edit (on a
// 2-core CPU an epoch takes hours: use configs/bert.jsonnet there).
//
//   allennlp train configs/bert_large.jsonnet -s runs/bert_large
//   allennlp evaluate runs/bert_large/model.tar.gz test --cuda-device 0
//
// bert-large-uncased is a Hugging Face name: downloaded once, or read from the local cache;
// a local directory works too. Set mixed_precision on a GPU for about half the memory and
// time (on a CPU it trains in bfloat16, worth it only where the CPU has bfloat16 units).
local transformer = "bert-large-uncased";
local mixed_precision = false;

(import "lib/transformer_classifier.libsonnet")(
  transformer=transformer,
  train_size=500,
  seed=0,
  // 512 word pieces: the first 128 and the last 382 (Sun et al. 2019's best on IMDB)
  head_tokens=128,
  tail_tokens=382,
  // [CLS], the token BERT's pretraining summarised the input with
  pooling="first",
  epochs=20,
  // 24 layers in groups of 4: unfreezing opens the head, then 4 layers more each epoch,
  // and trains everything from the 8th epoch on
  layers_per_group=4,
  lr=5e-5,
  decay_factor=0.7,
  batch_size=8,
  gradient_accumulation=2,
  eval_batch_size=32,
  // validation is cheap on a GPU: every epoch, and the best epoch's weights are kept
  validate_every_epoch=true,
  mixed_precision=mixed_precision,
)
