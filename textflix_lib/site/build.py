"""Building a Textflix site from archives and reviews: read the reviews (any data path the
`imdb` reader understands), sample them, group them into titles, precompute every model's
results (`precompute`) and write the pages (`writer.write_site`).

`allennlp textflix` (``textflix_lib/commands/textflix.py``) is the command line over
`build_site`.
"""
import csv
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

import numpy as np

from textflix_lib.data import formats
from textflix_lib.data.errors import DataFormatError
from textflix_lib.data.imdb import SPLIT_NAMES, Review, balanced_sample, content_hash, embedded_split
from textflix_lib.site.precompute import SiteModel, archive_config, precompute
from textflix_lib.site.writer import write_site

logger = logging.getLogger(__name__)

# metadata never shown on a card (the id is the card's own, the group is the title)
_HIDDEN_FIELDS = ("review_id", "id")


def load_reviews(data_path: str, text_field: str = "text", label_field: str = "label") -> List[Review]:
    """The reviews behind a data path: `train`/`validation`/`test` (the embedded split), an
    aclImdb folder, a JSONL or a CSV/TSV file (bad lines raise `DataFormatError` naming the
    file and line)."""
    if data_path in SPLIT_NAMES:
        return list(embedded_split()[data_path])
    return list(formats.read_reviews(data_path, text_field, label_field))


def sample_reviews(reviews: Sequence[Review], size: Optional[int], seed: int = 0) -> List[Review]:
    """`size` reviews drawn with `seed`: class-balanced (the nested samples of
    `balanced_sample`) when every review is labelled, a plain seeded sample otherwise. All of
    them, in their order, without `size` or when there are not more than `size`."""
    if size is None or size >= len(reviews):
        return list(reviews)
    if size < 1:
        raise ValueError(f"--sample must be at least 1, got {size}")
    if all(r.label is not None for r in reviews):
        try:
            return balanced_sample(reviews, size, seed)
        except ValueError as error:  # one class too small to balance: say so, sample plainly
            logger.warning("%s; drawing a sample that is not class-balanced", error)
    order = np.random.default_rng(seed).permutation(len(reviews))[:size]
    return [reviews[i] for i in sorted(order)]


def read_titles(path: str, id_field: str = "id") -> Dict[str, Dict[str, Any]]:
    """Title metadata from a CSV with a header: an `id` column (the value of the field the
    reviews are grouped by) and any others (`title`, `year`, ...), shown on the title's card."""
    if not Path(path).is_file():
        raise DataFormatError(path, "no such file; expected a CSV of titles with a header (id,title,year,...)")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or id_field not in reader.fieldnames:
            raise DataFormatError(path, f"expected a header with an '{id_field}' column, got {reader.fieldnames}", 1)
        titles: Dict[str, Dict[str, Any]] = {}
        for row in reader:
            line = reader.line_num
            if None in row or any(value is None for value in row.values()):
                raise DataFormatError(path, f"has a different number of values than the header's "
                                      f"{len(reader.fieldnames)}", line)
            key = row[id_field].strip()
            if not key:
                raise DataFormatError(path, f"empty '{id_field}'", line)
            if key in titles:
                raise DataFormatError(path, f"title id {key!r} appears twice", line)
            titles[key] = {k: v for k, v in row.items() if k != id_field and v != ""}
    return titles


def review_ids(reviews: Sequence[Review]) -> List[str]:
    """A unique id per review: its `review_id` (or `id`) field, else one from its text."""
    ids, seen = [], set()
    for review in reviews:
        base = str(review.metadata.get("review_id") or review.metadata.get("id") or "r-" + review.digest[:12])
        rid, n = base, 1
        while rid in seen:
            n += 1
            rid = f"{base}~{n}"
        seen.add(rid)
        ids.append(rid)
    return ids


def card_fields(review: Review, group_by: Optional[str]) -> Dict[str, Any]:
    """The review's metadata a card shows: plain strings and numbers, minus ids and the title."""
    return {k: v for k, v in review.metadata.items()
            if k not in _HIDDEN_FIELDS and k != group_by and isinstance(v, (str, int, float)) and not isinstance(v, bool)}


@dataclass
class BuildReport:
    """What a build did, for the command's summary and the benchmark."""

    reviews: int = 0
    models: List[str] = field(default_factory=list)
    seconds_precompute: float = 0.0
    seconds_write: float = 0.0
    site: Dict[str, Any] = field(default_factory=dict)


def build_site(
    models: Sequence[SiteModel],
    reviews: Sequence[Review],
    out_dir: str,
    *,
    group_by: Optional[str] = None,
    titles: Optional[Mapping[str, Mapping[str, Any]]] = None,
    cache_dir: Optional[str] = None,
    predictor_args: Optional[Mapping[str, Any]] = None,
    positive_label: str = "pos",
    negative_label: str = "neg",
    site_title: str = "Textflix",
    workers: int = 1,
    ray_address: Optional[str] = None,
    cuda_device: int = -1,
    progress: bool = True,
    include_package: Sequence[str] = (),
) -> BuildReport:
    """Precompute what is missing and write the site for `reviews` into `out_dir`."""
    if not models:
        raise ValueError("a site needs at least one model")
    names = [m.name for m in models]
    if len(set(names)) != len(names):
        raise ValueError(f"model names must differ, got {names}")
    if group_by is not None:
        missing = [i for i, r in enumerate(reviews) if r.metadata.get(group_by) in (None, "")]
        if missing:
            example = reviews[missing[0]]
            raise ValueError(
                f"--group-by {group_by}: {len(missing)} of {len(reviews)} reviews have no '{group_by}' "
                f"(e.g. review {example.metadata.get('review_id', missing[0])}, fields {sorted(example.metadata)})")
    report = BuildReport(reviews=len(reviews), models=names)
    started = time.perf_counter()
    digests = [content_hash(r.text) for r in reviews]
    results = precompute(models, dict(zip(digests, (r.text for r in reviews))),
                         cache_dir or str(Path(out_dir) / "cache"), predictor_args=predictor_args,
                         positive_label=positive_label, workers=workers, ray_address=ray_address,
                         cuda_device=cuda_device, progress=progress, include_package=include_package)
    report.seconds_precompute = time.perf_counter() - started
    started = time.perf_counter()
    records = []
    for rid, review, digest in zip(review_ids(reviews), reviews, digests):
        records.append({
            "id": rid,
            "text": review.text,
            "gold": review.label,
            "group": None if group_by is None else str(review.metadata[group_by]),
            "fields": card_fields(review, group_by),
            "predictions": {name: _prediction(results[name][digest]) for name in names},
        })
    described = [{"name": m.name, "description": describe_archive(m.archive)} for m in models]
    report.site = write_site(out_dir, records, described, titles=titles, positive_label=positive_label,
                             negative_label=negative_label, site_title=site_title)
    report.seconds_write = time.perf_counter() - started
    return report


def _prediction(result: Mapping[str, Any]) -> Dict[str, Any]:
    return {"label": result["label"], "probs": result["probs"], "sentences": result["sentences"]}


def describe_archive(archive: str) -> str:
    """A line about a trained archive for the site: its model type, encoder and training size."""
    import json

    try:
        config = archive_config(archive)
    except ValueError:
        return Path(archive).name
    model = config.get("model", {})
    parts = [str(model.get("type", "model"))]
    embedder = json.dumps(model.get("text_field_embedder", {}))
    for marker, name in (("minilm", "MiniLM"), ("mpnet", "MPNet"), ("glove", "GloVe"), ("bert-large", "BERT-large"),
                         ("bert-base", "BERT-base")):
        if marker in embedder.lower():
            parts.append(name)
            break
    size = config.get("dataset_reader", {}).get("train_size")
    if size:
        parts.append(f"trained on {size} reviews")
    return " · ".join(parts)
