// Search space of configs/nbsvm.jsonnet for `allennlp tune` (textflix_lib/tuning/space.py):
// each key is a dotted path into the evaluated config, each value one distribution.
//
//   allennlp tune configs/nbsvm.jsonnet configs/tune/nbsvm.jsonnet -s runs/tune-nbsvm \
//       -o '{"dataset_reader.train_size": 1000}' --samples 20 --folds 5 --train-best
{
  // the SVM's regularisation, on a log scale around the chosen 0.1
  "model.C": { loguniform: [0.01, 10] },
  // interpolation between MNB (0) and the NB-scaled SVM (1), Wang & Manning's beta
  "model.beta": { uniform: [0, 1] },
  // the Laplace smoothing of the log-count ratios
  "model.alpha": { loguniform: [0.1, 10] },
}
