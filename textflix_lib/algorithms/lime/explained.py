"""One explained prediction, the type every consumer of explanations shares: the predictors
write it (`allennlp predict --predictor sentence_lime`), and SP-LIME, the highlight summaries
and the site read it back. Plain Python, no AllenNLP.

The JSON form is versioned (``"version": 1``); fields a user passed through with the review
(an id, a movie id) are kept in `extra` and written back unchanged at the top level.
`from_json` names what is missing or wrong, so a reader of a JSON-lines file can turn its
`ValueError` into an error naming the file and line.
"""
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

VERSION = 1
# keys of the JSON form that are not pass-through fields
_OWN_KEYS = ("version", "label", "probability", "probs", "unit", "segments", "highlights", "target",
             "intercept", "fit_r2", "num_features", "exact", "model_calls", "_line", "_digest")


@dataclass(frozen=True)
class ExplainedSegment:
    """A sentence (or word) of the review: ``review_text[start:end] == text``; `weight` pushes
    toward the predicted label, `positive_weight` (two-label models) toward the positive one."""

    text: str
    start: int
    end: int
    weight: float
    positive_weight: Optional[float] = None

    def to_json(self) -> Dict[str, Any]:
        item = {"text": self.text, "start": self.start, "end": self.end, "weight": self.weight}
        if self.positive_weight is not None:
            item["positive_weight"] = self.positive_weight
        return item

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> "ExplainedSegment":
        _require(item, ("text", "start", "end", "weight"), "segment")
        positive = item.get("positive_weight")
        return cls(str(item["text"]), int(item["start"]), int(item["end"]), float(item["weight"]),
                   None if positive is None else float(positive))


@dataclass(frozen=True)
class ExplainedReview:
    """
    A model's label for one review and the LIME weights of its segments.

    `highlights` are indices into `segments`, strongest first (the top-k a reader is shown).
    `target` says what the weights explain (`"log_odds"` or `"probability"`). `line` and
    `digest` identify the input review in a resumable cache (`_line`, `_digest` in JSON).
    """

    label: str
    probability: float
    probs: Dict[str, float]
    unit: str
    segments: List[ExplainedSegment]
    highlights: List[int]
    target: str = "log_odds"
    intercept: float = 0.0
    fit_r2: float = 0.0
    num_features: int = 0
    exact: bool = False
    model_calls: int = 0
    extra: Dict[str, Any] = field(default_factory=dict)
    line: Optional[int] = None
    digest: Optional[str] = None

    @property
    def highlighted(self) -> List[ExplainedSegment]:
        return [self.segments[i] for i in self.highlights]

    def strongest_segment(self, min_weight: float = 0.0) -> Optional[ExplainedSegment]:
        """The segment that pushes hardest toward the predicted label, if it pushes by more
        than `min_weight` (the first of equals)."""
        best = None
        for segment in self.segments:
            if segment.weight > min_weight and (best is None or segment.weight > best.weight):
                best = segment
        return best

    def to_json(self) -> Dict[str, Any]:
        segments = [s.to_json() for s in self.segments]
        own = {
            "version": VERSION,
            "label": self.label,
            "probability": self.probability,
            "probs": dict(self.probs),
            "unit": self.unit,
            "segments": segments,
            "highlights": [{"index": i, **segments[i]} for i in self.highlights],
            "target": self.target,
            "intercept": self.intercept,
            "fit_r2": self.fit_r2,
            "num_features": self.num_features,
            "exact": self.exact,
            "model_calls": self.model_calls,
        }
        if self.line is not None:
            own["_line"] = self.line
        if self.digest is not None:
            own["_digest"] = self.digest
        extra = {k: v for k, v in self.extra.items() if k not in own}
        return {**extra, **own}

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> "ExplainedReview":
        """Read the JSON form back (also files written before `version` existed). Raises
        `ValueError` naming the missing or malformed field."""
        if not isinstance(record, Mapping):
            raise ValueError(f"expected a JSON object, got {type(record).__name__}")
        version = record.get("version", VERSION)
        if version != VERSION:
            raise ValueError(f"explanation format version {version!r}; this textflix reads version {VERSION}")
        _require(record, ("label", "probability", "segments"), "explanation")
        try:
            segments = [ExplainedSegment.from_json(s) for s in record["segments"]]
            highlights = [int(h["index"]) for h in record.get("highlights", [])]
            if any(not 0 <= i < len(segments) for i in highlights):
                raise ValueError("a highlight's index is not the index of a segment")
            return cls(
                label=str(record["label"]),
                probability=float(record["probability"]),
                probs={str(k): float(v) for k, v in dict(record.get("probs") or {}).items()},
                unit=str(record.get("unit", "sentence")),
                segments=segments,
                highlights=highlights,
                target=str(record.get("target", "probability")),
                intercept=float(record.get("intercept", 0.0)),
                fit_r2=float(record.get("fit_r2", 0.0)),
                num_features=int(record.get("num_features", len(segments))),
                exact=bool(record.get("exact", False)),
                model_calls=int(record.get("model_calls", 0)),
                extra={k: v for k, v in record.items() if k not in _OWN_KEYS},
                line=record.get("_line"),
                digest=record.get("_digest"),
            )
        except (TypeError, KeyError, AttributeError) as error:
            raise ValueError(f"malformed explanation ({type(error).__name__}: {error})") from None

    def positive_weights(self, positive_label: str) -> List[float]:
        """Each segment's weight toward `positive_label` (for two-label models)."""
        if all(s.positive_weight is not None for s in self.segments):
            return [float(s.positive_weight) for s in self.segments]  # type: ignore[arg-type]
        sign = 1.0 if self.label == positive_label else -1.0
        return [sign * s.weight for s in self.segments]


def _require(record: Mapping[str, Any], keys, what: str) -> None:
    if not isinstance(record, Mapping):
        raise ValueError(f"expected a JSON object for a {what}, got {type(record).__name__}")
    missing = [key for key in keys if key not in record]
    if missing:
        raise ValueError(f"{what} is missing {missing}")
