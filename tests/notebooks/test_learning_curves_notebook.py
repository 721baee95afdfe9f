"""The learning-curves notebook is valid nbformat 4 and its code runs on a sweep's results
(executed cell by cell here, since no Jupyter kernel is installed)."""
import json
from pathlib import Path

from matplotlib.figure import Figure

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "learning_curves.ipynb"


def test_notebook_draws_the_figure_from_results(tmp_path, monkeypatch):
    notebook = json.loads(NOTEBOOK.read_text())
    assert notebook["nbformat"] == 4 and notebook["cells"]
    for cell in notebook["cells"]:
        assert cell["cell_type"] in ("markdown", "code") and isinstance(cell["source"], list)
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and "execution_count" in cell
    with open(tmp_path / "results.jsonl", "w") as handle:
        for config in ("nbsvm", "word_vectors"):
            for seed in (0, 1):
                for size in (200, 500):
                    handle.write(json.dumps({
                        "config": config, "size": size, "seed": seed, "status": "ok",
                        "test": {"accuracy": 0.8 + size / 10000 + seed / 100},
                        "history": [{"epoch": e, "training_loss": 1 / (e + 1), "validation_accuracy": 0.8}
                                    for e in range(3)]}) + "\n")
    monkeypatch.setenv("TEXTFLIX_SWEEP", str(tmp_path))
    namespace: dict = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), str(NOTEBOOK), "exec"), namespace)
    assert len(namespace["records"]) == 8
    assert {(r["config"], r["size"]) for r in namespace["rows"]} == {
        (c, s) for c in ("nbsvm", "word_vectors") for s in (200, 500)}
    assert isinstance(namespace["figure"], Figure)
    assert namespace["run"]["size"] == 500
