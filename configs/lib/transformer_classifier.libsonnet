// A pretrained transformer fine-tuned for sentiment with AllenNLP's basic_classifier,
// ULMFiT-style: AdamW, slanted triangular learning rates, gradual unfreezing (one layer
// group more each epoch, top first) and discriminative fine-tuning (each group down from
// the top learns `decay_factor` times slower). The parameter groups are built from the
// model by the `layerwise_adamw` optimizer, so any depth works (MiniLM 6, BERT-base 12,
// BERT-large 24 layers). Used by bert.jsonnet and bert_large.jsonnet.
local imdb = import "imdb.libsonnet";

function(
  // a Hugging Face name ("bert-base-uncased"), a local directory, or "minilm" (packaged)
  transformer="minilm",
  train_size=500,
  seed=0,
  // word pieces kept from the start and the end of a long review (tail 0: plain truncation)
  head_tokens=64,
  tail_tokens=190,
  // "mean" of the word pieces, "first" ([CLS]), "max", or a list of them
  pooling="mean",
  // 6 epochs with layers in pairs (5 groups: the head, then 2 layers more each epoch, all
  // from the 5th epoch) beat 10 epochs with one layer a group on validation, in 60% of the
  // time (docs/models.md)
  epochs=6,
  batch_size=16,
  // batches whose gradients are summed before a step (a larger effective batch in less memory)
  gradient_accumulation=1,
  eval_batch_size=64,
  lr=2e-4,
  decay_factor=0.6,
  layers_per_group=2,
  gradual_unfreezing=true,
  discriminative_fine_tuning=true,
  cut_frac=0.1,
  dropout=0.1,
  // validating costs about a minute per 1,000 reviews on a 2-core CPU: by default only
  // after the last epoch, whose weights are the ones kept (the schedule ends there)
  validate_every_epoch=false,
  // automatic mixed precision for training and `allennlp evaluate`: on a GPU (bfloat16 or float16),
  // and on a CPU in bfloat16 (textflix_compat; much cheaper where the CPU has bfloat16 units,
  // slower where it has not; docs/models.md)
  mixed_precision=false,
)
  local tokenizer = {
    type: "head_tail",
    model_name: transformer,
    head_tokens: head_tokens,
    tail_tokens: tail_tokens,
  };
  local indexers = { tokens: { type: "transformer", model_name: transformer } };
  imdb.data + imdb.seeds(seed) + imdb.loaders(batch_size, eval_batch_size) + (
    // `allennlp evaluate` in the precision of training (textflix_lib/training/mixed_precision_evaluator.py)
    if mixed_precision then { evaluation: { type: "mixed_precision" } } else {}
  ) + {
    dataset_reader: imdb.reader(train_size, seed, tokenizer, indexers),
    model: {
      type: "basic_classifier",
      text_field_embedder: { token_embedders: { tokens: { type: "transformer", model_name: transformer } } },
      seq2vec_encoder: { type: "transformer_pooler", model_name: transformer, mode: pooling },
      dropout: dropout,
      namespace: "tags",
    },
    trainer: {
      num_epochs: epochs,
      num_gradient_accumulation_steps: gradient_accumulation,
      // cuda_device is left out: AllenNLP takes the first GPU if there is one, else the CPU
      use_amp: mixed_precision,
      grad_norm: 1.0,
      validation_metric: "+accuracy",
      optimizer: { type: "layerwise_adamw", lr: lr, layers_per_group: layers_per_group },
      learning_rate_scheduler: {
        type: "slanted_triangular",
        cut_frac: cut_frac,
        gradual_unfreezing: gradual_unfreezing,
        discriminative_fine_tuning: discriminative_fine_tuning,
        decay_factor: decay_factor,
      },
      checkpointer: { keep_most_recent_by_count: 1 },
      // `allennlp train --recover` continues gradual unfreezing where it stopped
      callbacks: [{ type: "resume_gradual_unfreezing" }]
                 + (if validate_every_epoch then [] else [{ type: "validate_last_epoch" }]),
    },
  }
