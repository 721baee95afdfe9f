"""Every component textflix registers says so in its docstring, as AllenNLP's own do:
'Registered as a `Model` with name "nbsvm".'"""
import re

import pytest
from allennlp.common.registrable import Registrable

import textflix_lib  # noqa: F401  registers the components


def registered():
    found = []
    for base, names in Registrable._registry.items():
        for name, (subclass, _) in names.items():
            if subclass.__module__.startswith("textflix_lib."):
                found.append((base.__name__, name, subclass))
    return sorted(found, key=lambda entry: (entry[0], entry[1]))


def test_the_components_are_found():
    bases = {base for base, _, _ in registered()}
    assert {"Model", "Predictor", "Subcommand", "Trainer", "TrainerCallback", "TokenEmbedder"} <= bases


@pytest.mark.parametrize("base, name, subclass", [
    pytest.param(*entry, id=f"{entry[0]}:{entry[1]}") for entry in registered()
])
def test_docstring_names_the_registry_and_the_name(base, name, subclass):
    line = rf'Registered as an? `{re.escape(base)}` with name "{re.escape(name)}"\.'
    assert re.search(line, subclass.__doc__ or ""), f"{subclass.__qualname__}: add {line!r}"
