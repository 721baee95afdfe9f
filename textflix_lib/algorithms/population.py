"""A map of a whole population of reviews in a model's own representation: each review a dot
in two dimensions, coloured by its true label, sized by the model's loss on it, with clusters
named by their most distinctive words and the highest-loss reviews listed.

Plain numpy/scikit-learn/matplotlib (no AllenNLP): the AllenNLP layer
(`textflix_lib.commands.population`) supplies the representations, probabilities and texts.

Projection: the representation is reduced to at most 50 dimensions (PCA for dense vectors,
truncated SVD for sparse ones such as NB-SVM's weighted n-gram vectors), then placed in two
dimensions by scikit-learn's t-SNE (Barnes-Hut), both seeded, so one seed gives the same map.
t-SNE because it is maintained, installed with scikit-learn, deterministic for a seed and
keeps local neighbourhoods (reviews the model sees alike sit together); UMAP would be faster
on large sets but is not among the project's dependencies (it brings numba and llvmlite).
`method="pca"` gives a linear, global view in a fraction of the time.
"""
import html
import json
from typing import Any, Dict, List, Optional, Sequence

import numpy
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.manifold import TSNE
from threadpoolctl import threadpool_limits

METHODS = ("tsne", "pca")


def reduce(features, dimensions: int = 50, seed: int = 0) -> numpy.ndarray:
    """At most `dimensions` columns: PCA (dense) or truncated SVD (sparse), seeded."""
    n, d = features.shape
    if sp.issparse(features):
        k = min(dimensions, d - 1, n - 1)
        if k < 2:
            return numpy.asarray(features.todense(), dtype=float)
        return TruncatedSVD(n_components=k, random_state=seed).fit_transform(features)
    features = numpy.asarray(features, dtype=float)
    k = min(dimensions, d, n - 1)
    if d <= dimensions or k < 2:
        return features
    return PCA(n_components=k, random_state=seed).fit_transform(features)


def project(features, method: str = "tsne", seed: int = 0, perplexity: float = 30.0,
            threads: Optional[int] = 1) -> numpy.ndarray:
    """``(n, 2)`` coordinates of the rows of `features` (dense or scipy sparse), scaled to
    [0, 1] on each axis. The same features, method and seed give the same coordinates.
    `threads` caps the OpenMP/BLAS threads (default 1: on a shared 2-core machine t-SNE's
    spinning threads made 600 reviews take 78 s instead of 11 s; `None` leaves them be)."""
    with threadpool_limits(limits=threads):
        return _project(features, method, seed, perplexity)


def _project(features, method: str, seed: int, perplexity: float) -> numpy.ndarray:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    n = features.shape[0]
    if n < 3:
        raise ValueError(f"a map needs at least 3 reviews, got {n}")
    reduced = reduce(features, 50, seed)
    if reduced.shape[1] < 2:
        reduced = numpy.hstack([reduced, numpy.zeros((n, 2 - reduced.shape[1]))])
    if method == "pca":
        coords = PCA(n_components=2, random_state=seed).fit_transform(reduced)
    else:
        coords = TSNE(n_components=2, perplexity=min(perplexity, (n - 1) / 3), init="pca", random_state=seed,
                      max_iter=1000).fit_transform(reduced)
    low, high = coords.min(axis=0), coords.max(axis=0)
    return (coords - low) / numpy.where(high > low, high - low, 1.0)


def losses(probs, labels) -> numpy.ndarray:
    """-log p(true label) per review."""
    probs = numpy.asarray(probs, dtype=float)
    return -numpy.log(numpy.clip(probs[numpy.arange(len(labels)), numpy.asarray(labels)], 1e-12, 1.0))


def clusters(coords, k: int = 8, seed: int = 0) -> numpy.ndarray:
    """k-means cluster of each dot (on the map's coordinates), seeded."""
    k = max(1, min(k, len(coords)))
    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(numpy.asarray(coords))


def distinctive_words(texts: Sequence[str], assignment: Sequence[int], top: int = 4,
                      min_df: int = 3) -> Dict[int, List[str]]:
    """Per cluster, the words whose share of the cluster's reviews most exceeds their share of
    the other reviews (smoothed log-odds of document frequencies; English stop words out)."""
    assignment = numpy.asarray(assignment)
    vectorizer = CountVectorizer(binary=True, stop_words="english", token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]{2,}\b",
                                 min_df=min(min_df, max(1, len(texts) // 10)))
    try:
        X = vectorizer.fit_transform(texts).tocsc()
    except ValueError:  # no words at all
        return {int(c): [] for c in numpy.unique(assignment)}
    words = numpy.array(vectorizer.get_feature_names_out())
    out = {}
    for cluster in numpy.unique(assignment):
        inside = assignment == cluster
        a = numpy.asarray(X[inside].sum(axis=0)).ravel()
        b = numpy.asarray(X[~inside].sum(axis=0)).ravel()
        n_in, n_out = inside.sum(), max((~inside).sum(), 1)
        score = numpy.log((a + 0.5) / (n_in - a + 0.5)) - numpy.log((b + 0.5) / (n_out - b + 0.5))
        # a word must be in at least 3 of the cluster's reviews and 5% of them
        score = numpy.where(a >= max(3, 0.05 * n_in), score, -numpy.inf)
        order = numpy.argsort(-score, kind="stable")[:top]
        out[int(cluster)] = [str(words[i]) for i in order if numpy.isfinite(score[i])]
    return out


# ------------------------------------------------------------------------------ figures


def population_figure(points: Sequence[Dict[str, Any]], cluster_words: Dict[int, List[str]],
                      title: str = "", positive_label: str = "pos"):
    """Dots coloured by true label, sized by loss, cluster names at their centres."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 8.5))
    axes = figure.add_subplot(1, 1, 1)
    x = numpy.array([p["x"] for p in points])
    y = numpy.array([p["y"] for p in points])
    loss = numpy.array([p["loss"] for p in points])
    size = 4 + 60 * numpy.clip(loss / max(numpy.quantile(loss, 0.99), 1e-9), 0, 1)
    positive = numpy.array([p["label"] == positive_label for p in points])
    others = "/".join(sorted({p["label"] for p in points} - {positive_label})) or "other"
    for mask, colour, name in ((positive, "#1f77b4", f"true {positive_label}"), (~positive, "#d62728", f"true {others}")):
        axes.scatter(x[mask], y[mask], s=size[mask], c=colour, alpha=0.45, linewidths=0, label=name)
    assignment = numpy.array([p["cluster"] for p in points])
    for cluster, words in cluster_words.items():
        inside = assignment == cluster
        if inside.any():
            axes.text(float(numpy.median(x[inside])), float(numpy.median(y[inside])), ", ".join(words[:4]),
                      fontsize=9, ha="center", va="center",
                      bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "#999999", "boxstyle": "round"})
    axes.set_xticks([])
    axes.set_yticks([])
    axes.legend(loc="upper right", fontsize=9, title="dot size: loss", title_fontsize=8)
    if title:
        axes.set_title(title, fontsize=11)
    return figure


def _json_for_script(value: Any) -> str:
    """JSON that is safe inside an HTML <script> element: no '<', '>', '&' or line separators."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; margin: 1rem; color: #222; }}
#wrap {{ display: flex; gap: 1rem; flex-wrap: wrap; }}
svg {{ border: 1px solid #ccc; background: #fff; max-width: 100%; height: auto; }}
circle {{ fill-opacity: 0.45; }} circle:hover, circle.on {{ fill-opacity: 1; stroke: #000; }}
.pos {{ fill: #1f77b4; }} .neg {{ fill: #d62728; }}
.cl {{ font-size: 11px; paint-order: stroke; stroke: #fff; stroke-width: 3px; text-anchor: middle; pointer-events: none; }}
#review {{ flex: 1 1 22rem; max-width: 40rem; white-space: pre-wrap; border: 1px solid #ddd; padding: .6rem; min-height: 10rem; }}
#review .meta {{ font-weight: 600; margin-bottom: .4rem; white-space: normal; }}
ol li {{ margin-bottom: .8rem; }} .hl {{ background: #ffe9a8; }} .w {{ color: #666; font-size: .85em; }}
</style></head><body>
<h1>{title}</h1>
<p>{subtitle}</p>
<div id="wrap"><svg id="map" viewBox="0 0 820 820" width="820" height="820" role="img" aria-label="review map"></svg>
<div id="review">Point at a dot to read its review.</div></div>
<h2>Highest-loss reviews</h2><ol id="worst"></ol>
<script type="application/json" id="data">{data}</script>
<script>
(function () {{
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var svg = document.getElementById("map"), box = document.getElementById("review"), NS = "http://www.w3.org/2000/svg";
  var maxLoss = data.max_loss || 1;
  function show(p) {{
    box.textContent = "";
    var meta = document.createElement("div"); meta.className = "meta";
    meta.textContent = "true " + p.label + ", p(" + data.positive_label + ") " + p.p_positive.toFixed(3) +
      ", loss " + p.loss.toFixed(3) + ", cluster: " + (data.clusters[p.cluster] || []).join(", ");
    box.appendChild(meta); box.appendChild(document.createTextNode(p.text));
  }}
  data.points.forEach(function (p) {{
    var c = document.createElementNS(NS, "circle");
    c.setAttribute("cx", (10 + 800 * p.x).toFixed(1)); c.setAttribute("cy", (810 - 800 * p.y).toFixed(1));
    c.setAttribute("r", (1.5 + 6 * Math.min(p.loss / maxLoss, 1)).toFixed(2));
    c.setAttribute("class", p.label === data.positive_label ? "pos" : "neg");
    c.addEventListener("mouseenter", function () {{ show(p); }});
    c.addEventListener("focus", function () {{ show(p); }});
    c.setAttribute("tabindex", "0");
    svg.appendChild(c);
  }});
  Object.keys(data.centres).forEach(function (k) {{
    var t = document.createElementNS(NS, "text"), xy = data.centres[k];
    t.setAttribute("x", (10 + 800 * xy[0]).toFixed(1)); t.setAttribute("y", (810 - 800 * xy[1]).toFixed(1));
    t.setAttribute("class", "cl"); t.textContent = (data.clusters[k] || []).join(", ");
    svg.appendChild(t);
  }});
  var list = document.getElementById("worst");
  data.worst.forEach(function (w) {{
    var li = document.createElement("li"), head = document.createElement("div");
    head.textContent = "true " + w.label + ", p(" + data.positive_label + ") " + w.p_positive.toFixed(3) + ", loss " + w.loss.toFixed(2);
    li.appendChild(head);
    (w.highlights || []).forEach(function (h) {{
      var d = document.createElement("div"), s = document.createElement("span"), m = document.createElement("span");
      s.className = "hl"; s.textContent = h.text; m.className = "w"; m.textContent = " (" + h.weight.toFixed(3) + " toward " + w.predicted + ")";
      d.appendChild(s); d.appendChild(m); li.appendChild(d);
    }});
    if (!w.highlights || !w.highlights.length) {{ var t = document.createElement("div"); t.textContent = w.text; li.appendChild(t); }}
    list.appendChild(li);
  }});
}})();
</script></body></html>
"""


def population_html(points: Sequence[Dict[str, Any]], cluster_words: Dict[int, List[str]],
                    worst: Sequence[Dict[str, Any]], title: str, subtitle: str = "",
                    positive_label: str = "pos") -> str:
    """A self-contained, offline HTML page: the map as SVG (pointing at a dot shows its review),
    cluster names, and the highest-loss reviews with their highlighted sentences. Every text
    reaches the page as JSON data and is inserted with `textContent`, never as markup."""
    assignment = numpy.array([p["cluster"] for p in points])
    centres = {}
    for cluster in cluster_words:
        inside = assignment == cluster
        if inside.any():
            centres[str(cluster)] = [float(numpy.median([p["x"] for p, m in zip(points, inside) if m])),
                                     float(numpy.median([p["y"] for p, m in zip(points, inside) if m]))]
    loss = [p["loss"] for p in points]
    data = {"points": list(points), "clusters": {str(k): v for k, v in cluster_words.items()}, "centres": centres,
            "worst": list(worst), "positive_label": positive_label,
            "max_loss": float(numpy.quantile(loss, 0.99)) if loss else 1.0}
    return _PAGE.format(title=html.escape(title), subtitle=html.escape(subtitle), data=_json_for_script(data))


def build_points(coords, texts: Sequence[str], labels: Sequence[str], probs, label_index: Sequence[int],
                 positive: int, assignment, ids: Optional[Sequence[str]] = None) -> List[Dict[str, Any]]:
    loss = losses(probs, label_index)
    probs = numpy.asarray(probs)
    return [{"id": ids[i] if ids else str(i), "x": float(coords[i][0]), "y": float(coords[i][1]),
             "label": labels[i], "p_positive": float(probs[i][positive]), "loss": float(loss[i]),
             "cluster": int(assignment[i]), "text": texts[i]} for i in range(len(texts))]


def worst_indices(points: Sequence[Dict[str, Any]], n: int) -> List[int]:
    """The `n` highest-loss reviews, worst first (ties by position)."""
    return sorted(range(len(points)), key=lambda i: (-points[i]["loss"], i))[:n]

