// Search space of configs/nbsvm.jsonnet for `allennlp tune` (textflix_lib/tuning/space.py):
// each key is a dotted path into the evaluated config, each value one distribution.
//
//   allennlp tune configs/nbsvm.jsonnet --space configs/tune/nbsvm.jsonnet -s runs/tune-nbsvm \
//       -o '{"dataset_reader.train_size": 500}' --trials 30 --folds 5 --train-best
{
  // the SVM's regularisation, on a log scale around the chosen 0.1
  "model.C": { loguniform: [0.01, 10] },
  // interpolation between MNB (0) and the NB-scaled SVM (1), Wang & Manning's beta
  "model.beta": { uniform: [0, 1] },
  // the tokenizer's stop-word list ("none" keeps every word; negations are kept either way)
  "dataset_reader.tokenizer.stop_words": { choice: ["english", "none"] },
  // word n-grams: unigrams, uni+bigrams, up to trigrams
  "dataset_reader.tokenizer.ngram_range": { choice: [[1, 1], [1, 2], [1, 3]] },
}
