import json

import pytest

from helpers import CONFIGS
from textflix_lib.learning_curves.configs import load_configs
from textflix_lib.tuning import space

SPACE = {
    "model.C": {"loguniform": [0.01, 10]},
    "model.beta": {"uniform": [0, 1]},
    "trainer.patience": {"randint": [3, 11]},
    "model.classifier": {"choice": ["svm", "logreg"]},
    "trainer.num_epochs": {"grid": [10, 20]},
}


def test_parse_keeps_the_order_and_bounds():
    dimensions = space.parse_space(SPACE)
    assert [(d.key, d.kind) for d in dimensions] == [(k, next(iter(v))) for k, v in SPACE.items()]
    assert dimensions[2].values == (3, 11) and dimensions[0].values == (0.01, 10.0)


def test_to_ray_draws_within_the_bounds():
    from ray import tune

    domains = space.to_ray(space.parse_space(SPACE))
    assert isinstance(domains["model.C"], tune.search.sample.Float)
    assert domains["trainer.num_epochs"] == {"grid_search": [10, 20]}
    draws = [domains["trainer.patience"].sample() for _ in range(50)]
    assert min(draws) >= 3 and max(draws) <= 10
    assert all(0.01 <= domains["model.C"].sample() <= 10 for _ in range(50))


@pytest.mark.parametrize("bad, message", [
    ({}, "empty"),
    ({"model..C": {"uniform": [0, 1]}}, "is not a dotted config path"),
    ({"model.C": 0.5}, "must be one of"),
    ({"model.C": {"normal": [0, 1]}}, "must be one of"),
    ({"model.C": {"uniform": [1, 0]}}, "needs low < high"),
    ({"model.C": {"loguniform": [0, 1]}}, "loguniform needs low > 0"),
    ({"model.C": {"uniform": [0, "1"]}}, "takes \\[low, high\\]"),
    ({"trainer.patience": {"randint": [1.5, 4]}}, "whole numbers"),
    ({"model.classifier": {"choice": []}}, "non-empty list"),
    ({"dataset_reader.train_size": {"choice": [100, 200]}}, "may not be searched"),
    ({"validation_data_path": {"choice": ["a"]}}, "may not be searched"),
    ({"dataset_reader.tokenizer.stemming": {"choice": [True, False]}}, None),  # fine: not the data
])
def test_bad_spaces_are_refused_with_the_key(bad, message):
    if message is None:
        space.parse_space(bad)
        return
    with pytest.raises(ValueError, match=message):
        space.parse_space(bad, "my_space.json")


def test_read_space_from_jsonnet_file_or_inline(tmp_path):
    path = tmp_path / "space.jsonnet"
    path.write_text('local c = { loguniform: [0.01, 10] };\n{ "model.C": c }  // a comment\n')
    assert space.read_space(str(path)) == {"model.C": {"loguniform": [0.01, 10]}}
    assert space.read_space('{"model.C": {"uniform": [0, 1]}}') == {"model.C": {"uniform": [0, 1]}}
    with pytest.raises(ValueError, match="no such search-space file"):
        space.read_space(str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.jsonnet"
    broken.write_text('{ "model.C": ')
    with pytest.raises(ValueError, match="broken.jsonnet"):
        space.read_space(str(broken))
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([1, 2]))
    with pytest.raises(ValueError, match="an object of dotted keys"):
        space.read_space(str(listed))


def test_keys_must_lead_through_objects_of_the_config():
    params = {"model": {"C": 1.0}, "trainer": {"optimizer": {"lr": 0.1}}}
    space.check_against_config(space.parse_space({"model.beta": {"uniform": [0, 1]},
                                                  "trainer.optimizer.lr": {"uniform": [0, 1]}}), params, "s")
    with pytest.raises(ValueError, match="'model.encoder.width': the config has no object at 'model.encoder'"):
        space.check_against_config(space.parse_space({"model.encoder.width": {"choice": [1]}}), params, "s")
    with pytest.raises(ValueError, match="no object at 'model.C'"):
        space.check_against_config(space.parse_space({"model.C.x": {"choice": [1]}}), params, "s")


@pytest.mark.parametrize("name", sorted(path.name for path in (CONFIGS / "tune").glob("*.jsonnet")))
def test_every_shipped_space_fits_the_config_it_is_named_after(name):
    dimensions = space.parse_space(space.read_space(str(CONFIGS / "tune" / name)), name)
    [config] = load_configs([str(CONFIGS / name)])
    space.check_against_config(dimensions, config.params, name)
    for dimension in dimensions:  # each key names a value the config already sets
        node = config.params
        for part in dimension.key.split("."):
            node = node[part]


def test_current_values_are_the_configs_own_unless_missing_or_grid():
    params = {"model": {"C": 0.1, "beta": 0.25}}
    both = space.parse_space({"model.C": {"loguniform": [0.01, 10]}, "model.beta": {"uniform": [0, 1]}})
    assert space.current_values(both, params) == {"model.C": 0.1, "model.beta": 0.25}
    assert space.current_values(space.parse_space({"model.alpha": {"uniform": [0, 1]}}), params) is None
    assert space.current_values(space.parse_space({"model.C": {"grid": [1, 2]}}), params) is None
