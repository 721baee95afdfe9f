import logging
import os
import time
from typing import Any, Dict, Optional

import torch
from allennlp.common.checks import ConfigurationError
from allennlp.common.tqdm import Tqdm
from allennlp.common.util import dump_metrics
from allennlp.data import DataLoader
from allennlp.models import Model
from allennlp.training import Trainer
from allennlp.training.trainer import TrainerCheckpoint
from allennlp.training.util import evaluate

logger = logging.getLogger(__name__)


@Trainer.register("one_pass")
class OnePassTrainer(Trainer):
    """
    For models fitted in closed form (NB-SVM): hands every training batch to the model's
    `fit_batches` once, then scores the validation data, saves `best.th` and writes the same
    metric files as the gradient-descent trainer (`metrics_epoch_0.json`), so archiving,
    `allennlp evaluate` and the learning-curve tools treat it like any other run.

    Registered as a `Trainer` with name "one_pass".

    # Parameters

    model : `Model`
        Must have a `fit_batches(batches) -> Dict[str, float]` method.
    serialization_dir : `str`
    data_loader : `DataLoader`
    validation_data_loader : `DataLoader`, optional (default = `None`)
    cuda_device : `int`, optional (default = `None`: the first GPU if there is one, else CPU)
        Used for validation only; fitting runs on the CPU.
    distributed, local_rank, world_size
        Set by `allennlp train` under a `distributed` section: each worker reads its shard of
        the training data, the model's `fit_batches` gathers the shards and fits on all of
        them (NB-SVM: the same weights as one process, see `NbSvmModel.fit_batches`), the
        validation metrics are summed over the workers, and the first worker writes the
        files.
    """

    def __init__(
        self,
        model: Model,
        serialization_dir: str,
        data_loader: DataLoader,
        validation_data_loader: Optional[DataLoader] = None,
        cuda_device: Optional[int] = None,
        distributed: bool = False,
        local_rank: int = 0,
        world_size: int = 1,
    ) -> None:
        super().__init__(serialization_dir=serialization_dir, cuda_device=cuda_device, distributed=distributed,
                         local_rank=local_rank, world_size=world_size)
        if not callable(getattr(model, "fit_batches", None)):
            raise ConfigurationError(
                f"the one_pass trainer needs a model with fit_batches(); {type(model).__name__} has none "
                "(use the gradient_descent trainer for models trained by gradient steps)"
            )
        self.model = model
        self.data_loader = data_loader
        self.validation_data_loader = validation_data_loader
        self._best_weights = os.path.join(self._serialization_dir, "best.th")

    def train(self) -> Dict[str, Any]:
        started = time.time()
        self.data_loader.set_target_device(torch.device("cpu"))
        batches = Tqdm.tqdm(self.data_loader, desc="reading training batches")
        self.model.train()
        training = self.model.fit_batches(batches)
        self.model.eval()
        if self.cuda_device.type != "cpu":
            self.model.to(self.cuda_device)
        metrics: Dict[str, Any] = {f"training_{k}": v for k, v in training.items()}
        if self.validation_data_loader is not None:
            self.validation_data_loader.set_target_device(self.cuda_device)
            validation = evaluate(self.model, self.validation_data_loader, self.cuda_device)
            metrics.update({f"validation_{k}": v for k, v in validation.items()})
            metrics.update({f"best_validation_{k}": v for k, v in validation.items()})
        duration = time.time() - started
        metrics.update(
            {
                "best_epoch": 0,
                "epoch": 0,
                "training_epochs": 0,
                "training_duration": time.strftime("%H:%M:%S", time.gmtime(duration)),
                "training_seconds": duration,
            }
        )
        if self._primary:
            torch.save(self.model.state_dict(), self._best_weights)
            dump_metrics(os.path.join(self._serialization_dir, "metrics_epoch_0.json"), metrics)
        if self._distributed:
            torch.distributed.barrier()  # the other workers wait until the weights are written
        return metrics

    def get_checkpoint_state(self) -> Optional[TrainerCheckpoint]:
        return None

    def get_best_weights_path(self) -> Optional[str]:
        return self._best_weights if os.path.exists(self._best_weights) else None
