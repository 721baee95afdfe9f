from textflix_lib.training.one_pass_trainer import OnePassTrainer  # noqa: F401
from textflix_lib.training.layerwise_adamw import LayerwiseAdamW  # noqa: F401
from textflix_lib.training.validate_last_epoch import ValidateLastEpochCallback  # noqa: F401
from textflix_lib.training.resume_gradual_unfreezing import ResumeGradualUnfreezingCallback  # noqa: F401
from textflix_lib.training.mixed_precision_evaluator import MixedPrecisionEvaluator  # noqa: F401
