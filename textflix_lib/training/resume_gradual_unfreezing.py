from allennlp.training.callbacks import TrainerCallback


@TrainerCallback.register("resume_gradual_unfreezing")
class ResumeGradualUnfreezingCallback(TrainerCallback):
    """
    Makes `allennlp train --recover` keep gradual unfreezing where it was. AllenNLP's
    `slanted_triangular` freezes and unfreezes layer groups by setting `requires_grad` when an
    epoch ends; a recovered run restores the scheduler's epoch but not those flags, so its first
    epoch would train the top group only. On start, this sets them again from the restored
    scheduler state (the same rule the scheduler uses). Nothing happens on a fresh run.

    Registered as a `TrainerCallback` with name "resume_gradual_unfreezing".
    """

    def on_start(self, trainer, is_primary: bool = True, **kwargs) -> None:
        scheduler = getattr(trainer, "_learning_rate_scheduler", None)
        # a recovered trainer replays the finished epochs without training (_start_after_epochs_completed)
        if not getattr(scheduler, "gradual_unfreezing", False) or not trainer._start_after_epochs_completed:
            return
        open_groups = scheduler.last_epoch + 1
        # param_groups end with AllenNLP's (empty) default group: i = 0
        for i, group in enumerate(reversed(trainer.optimizer.param_groups)):
            for parameter in group["params"]:
                parameter.requires_grad = i <= open_groups
