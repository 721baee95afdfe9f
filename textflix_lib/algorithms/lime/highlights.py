"""Highlight summaries, as on the Textflix site ("20 positive review highlights"): over many
explained reviews, optionally grouped by a field such as a movie id, each review's most
polarised sentence, pooled into positive and negative highlights with counts.

A review contributes one highlight: the segment with the largest weight toward its predicted
label, if that weight exceeds `min_weight`. Highlights of reviews predicted positive are the
positive highlights, the others the negative ones; each list is sorted by weight and cut to
`max_highlights`, while `count` keeps the full number.
"""
from typing import Any, Dict, Iterable, List, Optional, Sequence

from textflix_lib.algorithms.lime.explained import ExplainedReview

DEFAULT_CARRIED = ("review_id", "id", "movie_id", "label_true", "author")


def highlight_summary(explanations: Iterable[ExplainedReview], group_by: Optional[str] = None,
                      positive_label: str = "pos", max_highlights: int = 20, min_weight: float = 0.0,
                      carry: Sequence[str] = DEFAULT_CARRIED) -> Dict[str, Any]:
    """
    Summaries keyed by group (one group `"all"` without `group_by`). Each has `reviews`,
    `positive` (reviews predicted `positive_label`), `percent_positive`, and
    `positive_highlights` / `negative_highlights` with `count` and `highlights` (text, offsets,
    weight toward the review's label, the review's probability and the carried fields).
    """
    groups: Dict[str, Dict[str, Any]] = {}
    for number, explanation in enumerate(explanations):
        fields = explanation.extra
        if group_by is not None and group_by not in fields:
            raise KeyError(f"explanation {number} has no '{group_by}' field to group by "
                           f"(fields: {sorted(fields)})")
        key = "all" if group_by is None else str(fields[group_by])
        group = groups.setdefault(key, {"reviews": 0, "positive": 0, "_pos": [], "_neg": []})
        group["reviews"] += 1
        is_positive = explanation.label == positive_label
        group["positive"] += int(is_positive)
        best = explanation.strongest_segment(min_weight)
        if best is None:
            continue
        item = {"text": best.text, "start": best.start, "end": best.end,
                "weight": best.weight, "label": explanation.label,
                "probability": explanation.probability, "review": number}
        item.update({field: fields[field] for field in carry if field in fields})
        group["_pos" if is_positive else "_neg"].append(item)
    summary = {}
    for key, group in groups.items():
        summary[key] = {
            "reviews": group["reviews"],
            "positive": group["positive"],
            "percent_positive": round(100.0 * group["positive"] / group["reviews"], 1),
            "positive_highlights": _ranked(group["_pos"], max_highlights),
            "negative_highlights": _ranked(group["_neg"], max_highlights),
        }
    return summary


def _ranked(items: List[Dict[str, Any]], limit: int) -> Dict[str, Any]:
    ranked = sorted(items, key=lambda item: -item["weight"])
    return {"count": len(items), "highlights": ranked[:limit]}


def format_summary(summary: Dict[str, Any], shown: int = 4) -> str:
    """The summary as the site shows it, in plain text."""
    lines = []
    for key, group in summary.items():
        lines.append(f"{key}: {group['reviews']} reviews: {group['positive']} positive ({group['percent_positive']}%)")
        for kind in ("positive", "negative"):
            block = group[f"{kind}_highlights"]
            lines.append(f"  {block['count']} {kind} review highlights")
            for item in block["highlights"][:shown]:
                lines.append(f"    [{item['weight']:+.3f}] {item['text']}")
    return "\n".join(lines)
