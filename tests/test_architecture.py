"""The import rules of docs/architecture.md: the plain rooms (`algorithms`, `data`,
`resources`) never import AllenNLP or the AllenNLP layer; `learning_curves`, `tuning` and `site` do
not import AllenNLP when they load (only inside the functions that train or predict)."""
import ast
import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "textflix_lib"
PLAIN = ["algorithms", "data", "resources.py", "scale_out"]
LOADS_WITHOUT_ALLENNLP = PLAIN + ["learning_curves", "tuning", "site"]
ALLENNLP_LAYER = {"dataset_readers", "models", "modules", "predictors", "training", "interpret", "commands",
                  "tokenizers", "token_indexers"}


def module_names(rooms):
    names = []
    for room in rooms:
        path = PACKAGE / room
        files = [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
        for file in files:
            parts = file.relative_to(PACKAGE.parent).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


# Importing `textflix_lib` itself registers the AllenNLP components (the plugin needs that),
# so the check imports the modules with the package's registering imports skipped: what is
# measured is what the modules themselves pull in.
PROBE = """
import ast, importlib, importlib.util, json, sys, types
spec = importlib.util.find_spec("textflix_lib")
package = types.ModuleType("textflix_lib")
package.__path__ = list(spec.submodule_search_locations)
# the __init__'s plain constants (__version__), without its registering imports
for node in ast.parse(open(spec.origin, encoding="utf-8").read()).body:
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
        for target in node.targets:
            setattr(package, target.id, node.value.value)
sys.modules["textflix_lib"] = package
culprits = []
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
    if "allennlp" in sys.modules and not culprits:
        culprits.append(name)
print(json.dumps({"allennlp": "allennlp" in sys.modules, "first": culprits}))
"""


def test_plain_rooms_load_without_allennlp():
    names = module_names(LOADS_WITHOUT_ALLENNLP)
    assert "textflix_lib.algorithms.nbsvm" in names and "textflix_lib.resources" in names
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(names)], capture_output=True, text=True,
                            check=True)
    outcome = json.loads(result.stdout.splitlines()[-1])
    assert outcome == {"allennlp": False, "first": []}, f"AllenNLP imported by {outcome['first']}"


def imports_of(file: Path):
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_algorithms_data_and_resources_never_import_allennlp_or_its_layer():
    """Not even inside a function: these rooms work where AllenNLP is not installed."""
    offending = []
    for room in PLAIN:
        path = PACKAGE / room
        for file in [path] if path.suffix == ".py" else sorted(path.rglob("*.py")):
            for module in imports_of(file):
                top, _, rest = module.partition(".")
                room_imported = rest.split(".")[0] if top == "textflix_lib" else None
                if top == "allennlp" or room_imported in ALLENNLP_LAYER | {"learning_curves", "tuning", "site"}:
                    offending.append(f"{file.relative_to(PACKAGE.parent)}: {module}")
    assert offending == []
