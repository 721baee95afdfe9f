from textflix_lib.training.one_pass_trainer import OnePassTrainer  # noqa: F401
