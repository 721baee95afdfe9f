// The few-label winner (issue 10, docs/models.md): the self-trained NB-SVM taught by a
// fine-tuned MiniLM, which also predicts beside it. Two steps on the same labelled sample:
//
//   allennlp train configs/bert.jsonnet -s runs/minilm500                  # the teacher
//   allennlp train configs/self_training_teacher.jsonnet -s runs/st_teacher
//   allennlp evaluate runs/st_teacher/model.tar.gz test
//
// 1. The teacher scores the unlabelled pool once (cached by its archive's content); its
//    log-odds, times `teacher_weight`, are added to NB-SVM's in every self-training round.
// 2. At prediction the model's log-odds are (student + w * teacher) / (1 + w), with
//    w = `prediction_teacher_weight` (chosen on validation); the teacher reads a long review
//    through three windows (the 64 + 190 word pieces it was trained on, the first 254, the
//    last 254) and averages them (`prediction_teacher_windows`). The run keeps a copy of the
//    teacher in teacher/model.tar.gz, archived by `include_in_archive`, so model.tar.gz
//    evaluates, predicts and explains (sentence_lime) without the original teacher file.
//    `allennlp evaluate` reports the pair (`accuracy`), `student_accuracy` and `teacher_accuracy`.
//
// Another sample: train the teacher and this with the same overrides, e.g.
//   -o '{"dataset_reader.train_size": 100, "dataset_reader.seed": 1, "model.seed": 1}'
// (for bert.jsonnet: "dataset_reader.seed", "random_seed", "numpy_seed", "pytorch_seed").
(import "self_training.jsonnet") + {
  include_in_archive: ["teacher"],
  model+: {
    teacher: "runs/minilm500/model.tar.gz",  // configs/bert.jsonnet trained on the same sample
    teacher_weight: 8.0,  // chosen on validation (docs/models.md)
    prediction_teacher_weight: 0.5,  // chosen on validation with the windows (docs/models.md)
    // besides the trained window: the first and the last 254 word pieces (validation, docs/models.md)
    prediction_teacher_windows: [[254, 0], [0, 254]],
  },
}
