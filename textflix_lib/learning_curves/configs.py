"""Reading the configs of a sweep: Jsonnet files evaluated with the overrides, as `allennlp
train` reads them. AllenNLP's `Params` evaluates the Jsonnet; it is imported when a config is
read, so the other `learning_curves` modules stay free of AllenNLP at import time."""
import os
from typing import List

from textflix_lib.learning_curves import plan


def load_configs(arguments: List[str], overrides: str = "", test_data_path: str = "test") -> List[plan.Config]:
    """Evaluate each config with the overrides (Jsonnet, as `allennlp train` does). A config
    without a `test_data_path` is scored on `test_data_path` (default: the embedded test split).

    Each argument is a path or `LABEL=PATH`; a bad argument or a missing file is a
    `ConfigurationError`."""
    from allennlp.common import Params
    from allennlp.common.checks import ConfigurationError

    configs = []
    for argument in arguments:
        try:
            label, path = plan.parse_config_argument(argument)
        except ValueError as error:
            raise ConfigurationError(str(error)) from None
        if not os.path.isfile(path):
            raise ConfigurationError(f"{path}: no such config file")
        params = Params.from_file(path, overrides).as_dict(quiet=True)
        if not params.get("test_data_path") and test_data_path:
            params["test_data_path"] = test_data_path
        configs.append(plan.Config(label, path, params, overrides))
    return configs
