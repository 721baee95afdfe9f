"""Writes the static Textflix site: `index.html`, its assets, and the data split into small
JavaScript files so that the browser loads only what the open view needs (docs/site.md).

Data files call ``textflix.data(name, value)`` instead of being fetched as JSON, because
``fetch()`` of a local file fails when the page is opened from the file system. The JSON in
them is ASCII with ``<``, ``>`` and ``&`` escaped, so that no review text can end the script.
"""
import html
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from textflix_lib.site import pages
from textflix_lib.site.pages import Labels

ASSETS = Path(__file__).resolve().parent / "assets"
ASSET_FILES = ("app.js", "app.css", "favicon.svg")
#: Reviews per data file of a collection (and per disagreement file).
DEFAULT_PAGE_SIZE = 100
#: Reviews per screen when a collection spans several data files (one file shows whole).
DEFAULT_SCREEN_SIZE = 50
#: Highlights kept per side and model in a collection's index (counts stay exact).
MAX_HIGHLIGHTS = 100
FORMAT_VERSION = 1

_UNSAFE_KEY = re.compile(r"[^A-Za-z0-9_-]+")


def to_js(name: str, value: Any) -> str:
    """A data file's text: ``textflix.data("name", {...});`` with JSON that cannot break out
    of a script (ASCII only, ``<``, ``>``, ``&`` as \\u escapes, no NaN)."""
    return "textflix.data(%s,%s);\n" % (_safe_json(name), _safe_json(value))


def _safe_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def round_significant(value: float, digits: int = 4) -> float:
    """``value`` to ``digits`` significant digits (LIME weights span many magnitudes)."""
    value = float(value)
    if value == 0 or not math.isfinite(value):
        if not math.isfinite(value):
            raise ValueError(f"weight {value} is not finite")
        return 0.0
    return float(f"{value:.{digits}g}")


def normalize_reviews(reviews: Iterable[Mapping[str, Any]], model_names: Sequence[str], labels: Labels) -> List[Dict[str, Any]]:
    """Validated copies of the review records with probabilities rounded to 4 decimals and
    weights to 4 significant digits: exactly what the browser gets, so that the Python
    reference (`pages`) and the page compute the same things."""
    seen = set()
    normalized = []
    for number, review in enumerate(reviews):
        rid = review.get("id")
        if not isinstance(rid, str) or not rid:
            raise ValueError(f"review {number} has no string id")
        if rid in seen:
            raise ValueError(f"review id {rid!r} appears twice")
        seen.add(rid)
        text = review.get("text")
        if not isinstance(text, str):
            raise ValueError(f"review {rid!r}: text must be a string")
        labels.is_positive(review.get("gold"), f"review {rid!r}: gold label")
        group = review.get("group")
        fields = dict(review.get("fields") or {})
        for key, value in fields.items():
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                raise ValueError(f"review {rid!r}: field {key!r} must be a string or a number")
        predictions = {}
        for model in model_names:
            pred = (review.get("predictions") or {}).get(model)
            if pred is None:
                raise ValueError(f"review {rid!r} has no prediction by model {model!r}")
            labels.is_positive(pred.get("label"), f"review {rid!r}, model {model!r}: label")
            probs = {str(k): round(float(v), 4) for k, v in pred["probs"].items()}
            sentences = []
            for start, end, weight in pred.get("sentences") or []:
                start, end = int(start), int(end)
                if not 0 <= start <= end <= len(text):
                    raise ValueError(f"review {rid!r}, model {model!r}: sentence [{start}, {end}] "
                                     f"is outside the text ({len(text)} characters)")
                if sentences and start < sentences[-1][1]:
                    raise ValueError(f"review {rid!r}, model {model!r}: sentence [{start}, {end}] starts "
                                     f"before the previous one ends; sentences must be in text order")
                sentences.append([start, end, round_significant(weight)])
            predictions[model] = {"label": pred["label"], "probs": probs, "sentences": sentences}
        normalized.append({"id": rid, "text": text, "gold": review.get("gold"),
                           "group": None if group is None else str(group), "fields": fields,
                           "predictions": predictions})
    return normalized


def _compact_review(review: Dict[str, Any], model_names: Sequence[str], labels: Labels) -> Dict[str, Any]:
    """A review as the page reads it: ``i`` id, ``x`` text, ``g`` gold (1, 0 or null),
    ``f`` fields, ``p`` one ``[label (1/0), p(positive), [[start, end, weight], ...]]`` per model."""
    gold = pages.gold_positive(review, labels)
    record: Dict[str, Any] = {"i": review["id"], "x": review["text"], "g": None if gold is None else int(gold)}
    if review["fields"]:
        record["f"] = review["fields"]
    record["p"] = [
        [int(pages.predicted_positive(review, m, labels)), round(pages.positive_probability(review, m, labels), 4),
         review["predictions"][m]["sentences"]]
        for m in model_names
    ]
    return record


def _file_key(group_id: str, used: set) -> str:
    base = _UNSAFE_KEY.sub("_", group_id)[:48] or "c"
    key, n = base, 1
    while key.lower() in used:
        n += 1
        key = f"{base}-{n}"
    used.add(key.lower())
    return key


def _pages(items: Sequence[Any], size: int) -> List[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _title_entry(group_id: str, titles: Optional[Mapping[str, Mapping[str, Any]]]) -> Optional[Dict[str, Any]]:
    if not titles or group_id not in titles:
        return None
    entry = {}
    for key, value in titles[group_id].items():
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        entry[str(key)] = value if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
    return entry


class _Writer:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.bytes: Dict[str, int] = {}
        self.files: Dict[str, int] = {}

    def write(self, relative: str, text: str, kind: str) -> None:
        path = self.out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.bytes[kind] = self.bytes.get(kind, 0) + len(data)
        self.files[kind] = self.files.get(kind, 0) + 1

    def data(self, name: str, value: Any, kind: str) -> None:
        self.write(f"data/{name}.js", to_js(name, value), kind)


def write_site(
    out_dir: Union[str, Path],
    reviews: Sequence[Mapping[str, Any]],
    models: Sequence[Mapping[str, str]],
    titles: Optional[Mapping[str, Mapping[str, Any]]] = None,
    positive_label: str = "pos",
    negative_label: str = "neg",
    site_title: str = "Textflix",
    page_size: int = DEFAULT_PAGE_SIZE,
    screen_size: int = DEFAULT_SCREEN_SIZE,
) -> Dict[str, Any]:
    """
    Writes the site under ``out_dir`` (created; files of an earlier site there are replaced,
    and its old ``data/`` folder removed) and returns a summary.

    # Parameters

    out_dir : where ``index.html``, ``assets/`` and ``data/`` go.
    reviews : records ``{"id": str (unique), "text": str, "gold": "pos" | "neg" | None,
        "group": str | None (title id), "fields": {str: str | int | float},
        "predictions": {model_name: {"label": str, "probs": {label: float},
        "sentences": [[start, end, weight], ...]}}}``; ``text[start:end]`` is a sentence and
        ``weight`` its LIME weight toward the positive label. Every review needs a
        prediction from every model.
    models : ``[{"name": str, "description": str}, ...]`` in display order (the comparison
        view shows the first two unless the reader picks others).
    titles : optional ``{group_id: {"title": str, "year": ..., ...}}`` shown on the cards;
        a group without an entry shows its id.
    positive_label, negative_label : the two label names used in the records.
    site_title : the page's title.
    page_size : reviews per data file.
    screen_size : reviews per screen in a title whose reviews span several data files.

    # Returns

    ``{"index": path of index.html, "reviews": n, "titles": number of collections,
    "models": [names], "disagreements": {"a|b": n}, "bytes": {kind: bytes},
    "files": {kind: count}, "data_bytes": total of data files}``.
    """
    labels = Labels(positive_label, negative_label)
    if not models:
        raise ValueError("write_site needs at least one model")
    model_names = [str(m["name"]) for m in models]
    if len(set(model_names)) != len(model_names):
        raise ValueError(f"model names must be unique, got {model_names}")
    if page_size < 1 or screen_size < 1:
        raise ValueError(f"page_size and screen_size must be positive, got {page_size}, {screen_size}")
    records = normalize_reviews(reviews, model_names, labels)
    if not records:
        raise ValueError("write_site needs at least one review")
    collections = pages.group_reviews(records)

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if (out / "data").is_dir():
        shutil.rmtree(out / "data")
    writer = _Writer(out)

    # -- per collection: index (orders, highlights) and pages of reviews -------------------------
    used_keys: set = set()
    entries = []
    locations: Dict[str, List[int]] = {}  # review id -> [collection index, position]
    for ci, collection in enumerate(collections):
        key = _file_key(collection.id, used_keys)
        members = collection.reviews
        for position, review in enumerate(members):
            locations[review["id"]] = [ci, position]
        chunks = _pages(members, page_size)
        per_model = []
        index: Dict[str, Any] = {"n": len(members), "o": [], "h": []}
        for m in model_names:
            stats = pages.title_stats(members, m, labels)
            per_model.append({"p": stats.positive, "ok": stats.accuracy.correct, "s": pages.strip_code(members, m, labels)})
            index["o"].append({order: pages.sort_reviews(members, m, order, labels) for order in pages.REVIEW_SORTS if order != "order"})
            summary = pages.highlight_summary(members, m, labels)
            index["h"].append({
                kind[0]: [[h["position"], h["index"], round_significant(h["weight"]), h["text"]] for h in items[:MAX_HIGHLIGHTS]]
                for kind, items in summary.items()
            })
            index["h"][-1].update({"np": len(summary["positive"]), "nn": len(summary["negative"])})
        writer.data(f"c/{key}/index", index, "collection_index")
        for k, chunk in enumerate(chunks):
            writer.data(f"c/{key}/{k}", {"r": [_compact_review(r, model_names, labels) for r in chunk]}, "reviews")
        labelled = sum(pages.gold_positive(r, labels) is not None for r in members)
        entries.append({
            "id": collection.id, "k": key, "t": _title_entry(collection.id, titles),
            "u": int(collection.ungrouped), "n": len(members), "g": labelled, "pages": len(chunks), "m": per_model,
        })

    # -- the grid's orders, per model -------------------------------------------------------------
    grid_orders = []
    for m in model_names:
        stats = [pages.title_stats(c.reviews, m, labels) for c in collections]
        grid_orders.append({order: pages.sort_titles(stats, order) for order in pages.TITLE_SORTS})

    # -- disagreements for every pair of models ---------------------------------------------------
    pairs = {}
    for a in range(len(model_names)):
        for b in range(a + 1, len(model_names)):
            found = pages.disagreements(records, model_names[a], model_names[b], labels)
            items = [{"c": locations[d.review["id"]][0], "q": locations[d.review["id"]][1],
                      "w": None if d.right is None else int(d.right == model_names[b]),
                      "r": _compact_review(d.review, model_names, labels)} for d in found]
            chunks = _pages(items, page_size)
            for k, chunk in enumerate(chunks):
                writer.data(f"d/{a}-{b}/{k}", {"d": list(chunk)}, "disagreements")
            pairs[f"{a}-{b}"] = {
                "n": len(found), "a": sum(d.right == model_names[a] for d in found),
                "b": sum(d.right == model_names[b] for d in found), "pages": len(chunks),
            }

    manifest = {
        "v": FORMAT_VERSION, "site": site_title, "labels": [positive_label, negative_label],
        "models": [{"n": str(m["name"]), "d": str(m.get("description", ""))} for m in models],
        "page": page_size, "screen": screen_size, "grouped": int(any(not c.ungrouped for c in collections)),
        "c": entries, "o": grid_orders, "d": pairs,
    }
    writer.data("manifest", manifest, "manifest")

    # -- page and assets --------------------------------------------------------------------------
    template = (ASSETS / "index.html").read_text(encoding="utf-8")
    writer.write("index.html", template.replace("{{site_title}}", html.escape(site_title)), "html")
    for name in ASSET_FILES:
        writer.write(f"assets/{name}", (ASSETS / name).read_text(encoding="utf-8"), "assets")

    data_kinds = ("manifest", "collection_index", "reviews", "disagreements")
    return {
        "index": str(out / "index.html"),
        "reviews": len(records),
        "titles": len(collections),
        "models": model_names,
        "disagreements": {f"{model_names[int(k.split('-')[0])]}|{model_names[int(k.split('-')[1])]}": v["n"]
                          for k, v in pairs.items()},
        "bytes": dict(writer.bytes),
        "files": dict(writer.files),
        "data_bytes": sum(writer.bytes.get(k, 0) for k in data_kinds),
    }
