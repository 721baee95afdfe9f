"""The files write_site produces: layout, safe serialisation, splitting, counts, validation."""
import copy
import json
import re
from pathlib import Path

import pytest

from textflix_lib.site import pages
from textflix_lib.site.writer import normalize_reviews, to_js, write_site
from textflix_lib.site.pages import Labels

DATA_CALL = re.compile(r'^textflix\.data\(("[^"]*"),(.*)\);\n$', re.S)


def read_data(path: Path):
    """(name, value) of a data file, checking its exact shape."""
    text = path.read_text(encoding="ascii")  # ASCII only
    match = DATA_CALL.match(text)
    assert match, f"{path} is not a single textflix.data(...) call"
    return json.loads(match.group(1)), json.loads(match.group(2))


def test_to_js_cannot_break_out_of_a_script():
    text = to_js("x", {"t": "</script><script>alert(1)</script> & \u2028 é"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert text.isascii()
    assert read_data_text(text) == {"t": "</script><script>alert(1)</script> & \u2028 é"}


def read_data_text(text):
    return json.loads(DATA_CALL.match(text).group(2))


def test_layout_and_csp(grouped_site):
    out, summary = grouped_site
    assert summary["index"] == str(out / "index.html")
    assert (out / "assets" / "app.js").is_file() and (out / "assets" / "app.css").is_file()
    html = (out / "index.html").read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe" not in csp
    # no inline script or handler in the page itself
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "http" not in html.replace('http-equiv', '')  # nothing fetched from the network
    script = (out / "assets" / "app.js").read_text()
    for banned in ("fetch(", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert banned not in script, banned


def test_every_data_file_is_safe_and_named_after_its_path(grouped_site):
    out, _ = grouped_site
    files = sorted((out / "data").rglob("*.js"))
    assert files
    for path in files:
        text = path.read_text(encoding="ascii")
        assert "<" not in text and ">" not in text and "&" not in text
        name, _ = read_data(path)
        assert name == path.relative_to(out / "data").with_suffix("").as_posix()


def test_manifest_counts_match_the_reference(grouped_site, site_data):
    out, summary = grouped_site
    records, models = site_data
    _, manifest = read_data(out / "data" / "manifest.js")
    names = [m["name"] for m in models]
    assert [m["n"] for m in manifest["models"]] == names
    groups = pages.group_reviews(normalize_reviews(records, names, Labels()))
    assert [c["id"] for c in manifest["c"]] == [g.id for g in groups] == ["tt0000001", "tt0000002", "tt0000003",
                                                                         "tt0000004", "tt0000005"]
    assert summary["reviews"] == len(records) and summary["titles"] == 5
    for entry, group in zip(manifest["c"], groups):
        assert entry["n"] == len(group.reviews)
        assert entry["g"] == sum(r["gold"] is not None for r in group.reviews)
        for mi, name in enumerate(names):
            assert entry["m"][mi]["p"] == sum(r["predictions"][name]["label"] == "pos" for r in group.reviews)
            assert entry["m"][mi]["ok"] == sum(r["predictions"][name]["label"] == r["gold"] for r in group.reviews)
            assert len(entry["m"][mi]["s"]) == len(group.reviews)
    assert manifest["c"][0]["t"]["title"] == "The First Film" and manifest["c"][2]["t"] is None
    # grid orders are permutations
    for per_model in manifest["o"]:
        for order in per_model.values():
            assert sorted(order) == list(range(5))


def test_collection_files_hold_every_review_once_in_order(ungrouped_site, ungrouped_records):
    out, summary = ungrouped_site
    _, manifest = read_data(out / "data" / "manifest.js")
    assert len(manifest["c"]) == 1 and manifest["c"][0]["id"] == "all" and manifest["grouped"] == 0
    entry = manifest["c"][0]
    assert entry["pages"] == 3  # 41 reviews, 16 per file
    got = []
    for k in range(entry["pages"]):
        _, chunk = read_data(out / "data" / "c" / entry["k"] / f"{k}.js")
        assert len(chunk["r"]) <= 16
        got.extend(chunk["r"])
    assert [r["i"] for r in got] == [r["id"] for r in ungrouped_records]
    assert [r["x"] for r in got] == [r["text"] for r in ungrouped_records]
    first = got[0]["p"][0]
    source = ungrouped_records[0]["predictions"]["nbsvm"]
    assert first[0] == int(source["label"] == "pos")
    assert first[1] == pytest.approx(source["probs"]["pos"], abs=1e-4)
    assert [s[:2] for s in first[2]] == [s[:2] for s in source["sentences"]]
    assert [s[2] for s in first[2]] == pytest.approx([s[2] for s in source["sentences"]], rel=1e-3)


def test_disagreement_files(grouped_site, site_data):
    out, summary = grouped_site
    records, models = site_data
    a, b = (m["name"] for m in models)
    _, manifest = read_data(out / "data" / "manifest.js")
    _, data = read_data(out / "data" / "d" / "0-1" / "0.js")
    expected = pages.disagreements(records, a, b)
    assert manifest["d"]["0-1"]["n"] == len(expected) == len(data["d"]) == summary["disagreements"][f"{a}|{b}"]
    assert [d["r"]["i"] for d in data["d"]] == [d.review["id"] for d in expected]
    assert [d["w"] for d in data["d"]] == [None if d.right is None else int(d.right == b) for d in expected]
    assert manifest["d"]["0-1"]["a"] == sum(d.right == a for d in expected)


def test_size_of_a_thousand_reviews_with_two_models(tmp_path, site_data):
    records, models = site_data
    many = []
    for i in range(1000):
        r = copy.deepcopy(records[i % len(records)])
        r["id"] = f"r{i}"
        r["group"] = f"tt{i // 20:07d}"
        many.append(r)
    summary = write_site(tmp_path, many, models)
    assert summary["titles"] == 50
    assert summary["data_bytes"] < 5_000_000
    total = sum(p.stat().st_size for p in (tmp_path / "data").rglob("*.js"))
    assert total == summary["data_bytes"]


def test_rewriting_removes_old_data(tmp_path, site_data):
    records, models = site_data
    write_site(tmp_path, records, models)
    write_site(tmp_path, [dict(r, group=None) for r in records], models)
    assert [p.name for p in (tmp_path / "data" / "c").iterdir()] == ["all"]


@pytest.mark.parametrize("change, message", [
    (lambda rs: rs.append(copy.deepcopy(rs[0])), "appears twice"),
    (lambda rs: rs[0]["predictions"].pop("nbsvm"), "no prediction by model 'nbsvm'"),
    (lambda rs: rs[0]["predictions"]["nbsvm"].update(label="maybe"), "neither"),
    (lambda rs: rs[0].update(gold="positive"), "gold label"),
    (lambda rs: rs[0]["predictions"]["nbsvm"].update(sentences=[[0, 10 ** 6, 0.1]]), "outside the text"),
    (lambda rs: rs[0]["fields"].update(bad=[1, 2]), "string or a number"),
    (lambda rs: rs[0]["predictions"]["nbsvm"]["sentences"].reverse(), "in text order"),
    (lambda rs: rs.clear(), "at least one review"),
])
def test_bad_records_are_refused_with_the_review_named(tmp_path, site_data, change, message):
    records = copy.deepcopy(site_data[0][:3])
    change(records)
    with pytest.raises(ValueError, match=message):
        write_site(tmp_path, records, site_data[1])


def test_no_models_is_refused(tmp_path, site_data):
    with pytest.raises(ValueError, match="at least one model"):
        write_site(tmp_path, site_data[0], [])
