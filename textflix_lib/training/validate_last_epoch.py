from allennlp.training.callbacks import ShouldValidateCallback, TrainerCallback


@TrainerCallback.register("validate_last_epoch")
class ValidateLastEpochCallback(ShouldValidateCallback):
    """
    Validates only after the last epoch, however many epochs the trainer runs (so
    `-o '{"trainer.num_epochs": 4}'` needs nothing else). For schedules meant to run to the
    end, such as `slanted_triangular`, the last epoch's weights are the ones to keep, and
    validating a transformer on a CPU costs about a minute per 1,000 reviews.

    Registered as a `TrainerCallback` with name "validate_last_epoch".
    """

    def on_start(self, trainer, is_primary: bool = True, **kwargs) -> None:
        self._validation_start = trainer._num_epochs - 1
        self._validation_interval = None
        super().on_start(trainer, is_primary=is_primary, **kwargs)
