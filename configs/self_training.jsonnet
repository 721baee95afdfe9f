// Self-trained NB-SVM (issue 10): NB-SVM on the labelled sample is the teacher; the rest of
// the training pool, labels hidden, is pseudo-labelled in rounds (the most confident 10%,
// 25%, 50%, 75%, then all of it, half from each class) and a student NB-SVM is fitted on
// gold + pseudo-labels each round. Validation and test are never part of the pool.
// Fitted in one pass (trainer "one_pass"); the archive is an `nbsvm`-like model, so
// `allennlp evaluate`, `predict` and the LIME predictors work on it unchanged.
//
//   allennlp train configs/self_training.jsonnet -s runs/self_training
//   allennlp evaluate runs/self_training/model.tar.gz test
//
// Another sample: -o '{"dataset_reader.train_size": 100, "dataset_reader.seed": 1, "model.seed": 1}'
//
// With a second teacher (say MiniLM fine-tuned on the same labelled sample), whose log-odds
// are added to NB-SVM's when the pool is ranked and labelled; the pool is scored once and
// cached by the teacher archive's content:
//   allennlp train configs/bert.jsonnet -s runs/minilm500
//   allennlp train configs/self_training.jsonnet -s runs/self_training_teacher \
//     -o '{"model.teacher": "runs/minilm500/model.tar.gz"}'
local seed = 0;
local train_size = 500;
{
  dataset_reader: {
    type: "imdb_pool",
    train_size: train_size,  // the labelled sample; the rest of the training pool is unlabelled
    seed: seed,
    tokenizer: {
      type: "sentiment_ngrams",
      ngram_range: [1, 2],
      stop_words: "english",
      negation: "keep",
      stemming: true,
    },
  },
  train_data_path: "train",
  // the n-gram vocabulary comes from the training pool's text (labelled and unlabelled);
  // no training instance has a LabelField, so the two labels are added here
  datasets_for_vocab_creation: ["train"],
  vocabulary: {
    min_count: { tokens: 2 },
    tokens_to_add: { labels: ["neg", "pos"] },
  },
  validation_data_path: "validation",
  test_data_path: "test",
  evaluate_on_test: false,
  model: {
    type: "self_training_nbsvm",
    fractions: [0.1, 0.25, 0.5, 0.75, 1.0],
    alpha: 1.0,
    beta: 0.25,
    C: 0.1,
    classifier: "svm",
    seed: seed,
    teacher: null,  // a model.tar.gz trained on the same labelled sample (see above)
    teacher_weight: 1.0,
  },
  data_loader: { batch_size: 256, shuffle: false },
  trainer: { type: "one_pass" },
}
