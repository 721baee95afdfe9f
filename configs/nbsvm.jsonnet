// NB-SVM (Wang & Manning 2012) on the embedded IMDB reviews, Textflix's preprocessing:
// lowercase, stop words removed (negations kept), Snowball stems, binarized uni+bigrams.
// Fitted in closed form in one pass (trainer "one_pass"): no epochs, no optimizer.
//
//   allennlp train configs/nbsvm.jsonnet -s runs/nbsvm
//   allennlp evaluate runs/nbsvm/model.tar.gz test
//
// A smaller training set: -o '{"dataset_reader.train_size": 500, "dataset_reader.seed": 1}'
local seed = 0;
{
  dataset_reader: {
    type: "imdb",
    // train_size: 500,  // a class-balanced sample of the training pool (default: all of it)
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
  // the n-gram vocabulary comes from the training reviews only
  datasets_for_vocab_creation: ["train"],
  validation_data_path: "validation",
  test_data_path: "test",
  evaluate_on_test: false,
  // C and beta chosen on the validation split (experiments/nbsvm_tuning.py, README "NB-SVM")
  model: {
    type: "nbsvm",
    alpha: 1.0,
    beta: 0.25,
    C: 0.1,
    classifier: "svm",
    seed: seed,
  },
  data_loader: { batch_size: 256, shuffle: false },
  trainer: { type: "one_pass" },
}
