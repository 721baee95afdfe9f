// Pieces every neural textflix config shares: the embedded IMDB data paths, the reader
// settings for AllenNLP's basic_classifier, length-bucketed batches and seeds.
{
  // The embedded split (textflix_lib/data/imdb.py). The held-out test split is scored
  // with `allennlp evaluate model.tar.gz test` and never used for choices; it is not named
  // here because AllenNLP would tokenize its ~5,000 reviews at every training start.
  data:: {
    train_data_path: "train",
    validation_data_path: "validation",
    datasets_for_vocab_creation: ["train"],
  },

  // The imdb reader with a class-balanced sample of the training pool. basic_classifier
  // takes no `metadata` argument, hence include_metadata: false.
  reader(train_size, seed, tokenizer, token_indexers):: {
    type: "imdb",
    [if train_size != null then "train_size"]: train_size,
    seed: seed,
    include_metadata: false,
    tokenizer: tokenizer,
    token_indexers: token_indexers,
  },

  // Batches of similar length waste less time on padding (most of the cost on a CPU).
  loaders(batch_size, eval_batch_size):: {
    data_loader: {
      batch_sampler: { type: "bucket", batch_size: batch_size, sorting_keys: ["tokens"] },
    },
    validation_data_loader: {
      batch_sampler: { type: "bucket", batch_size: eval_batch_size, sorting_keys: ["tokens"], shuffle: false },
    },
  },

  seeds(seed):: { random_seed: seed, numpy_seed: seed, pytorch_seed: seed },
}
