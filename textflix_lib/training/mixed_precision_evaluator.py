"""`allennlp evaluate` in the precision a model was trained in.

AllenNLP's `simple` evaluator runs the model in float32 whatever `trainer.use_amp` was. The
`mixed_precision` evaluator (a config's ``"evaluation": {"type": "mixed_precision"}``, which
`configs/lib/transformer_classifier.libsonnet` sets with `mixed_precision=true`) runs the same
loop under `textflix_lib.precision.inference_autocast`: bfloat16 on a CPU (about 3 times faster
where the CPU has bfloat16 units; docs/models.md), the trainer's AMP dtype on a GPU. Validation
during training already ran under the trainer's autocast, so `evaluate` now scores as the
trainer validated.
"""
import torch
from allennlp.evaluation import Evaluator, SimpleEvaluator

from textflix_lib.precision import inference_autocast


@Evaluator.register("mixed_precision")
class MixedPrecisionEvaluator(SimpleEvaluator):
    """`simple`'s evaluation loop with the model's forward passes under autocast.

    Registered as an `Evaluator` with name "mixed_precision"."""

    def __call__(self, model, data_loader, batch_weight_key=None, metrics_output_file=None,
                 predictions_output_file=None):
        device = self.cuda_device
        if not isinstance(device, torch.device):
            device = torch.device("cpu") if int(device) < 0 else torch.device("cuda", int(device))
        with inference_autocast(device):
            return super().__call__(model, data_loader, batch_weight_key=batch_weight_key,
                                    metrics_output_file=metrics_output_file,
                                    predictions_output_file=predictions_output_file)
