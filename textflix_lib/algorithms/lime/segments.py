"""The interpretable representation of a text: its sentences or words, with character offsets.

A `Segmentation` cuts a text into units (sentences or words) and maps each unit to a feature
of LIME's binary representation. Sentences are features one by one; words are either one
feature per occurrence or, as a bag of words (`bow=True`, the `lime` package's default), one
feature per distinct lower-cased word, so that removing the feature removes every occurrence.

`compose(keep)` rebuilds the text with the features whose `keep` entry is false removed
(`mode="drop"`) or replaced by a mask string (`mode="mask"`). The text between units (white
space between sentences, punctuation between words) is kept. No AllenNLP here.
"""
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

UNITS = ("sentence", "word")
MODES = ("drop", "mask")
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_AT_LINE_ENDS = re.compile(r" *\n *")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Segment:
    """One unit of a text: ``text == source[start:end]``; ``feature`` is its column in LIME's
    binary representation."""

    start: int
    end: int
    text: str
    feature: int


def sentence_spans(text: str) -> List[Tuple[int, int]]:
    """Character spans of the sentences of ``text``, in order, without surrounding white space.

    Paragraph breaks ("\\n", which cleaned IMDB reviews keep from ``<br />``) always end a
    sentence; inside a paragraph `textflix_lib.algorithms.sentences` decides (spaCy's rule-based
    sentencizer corrected by rules for review text: "it?It's", "Mr.Savage", "kid...I wish"; see
    docs/sentence_splitting.md). A fragment without any letter or digit joins the sentence before it.
    """
    from textflix_lib.algorithms.sentences import sentence_spans as split

    return split(text)


def word_spans(text: str) -> List[Tuple[int, int]]:
    """Character spans of the words (letters/digits, inner apostrophes kept: "don't")."""
    return [m.span() for m in WORD.finditer(text)]


@dataclass(frozen=True)
class Segmenter:
    """
    How texts are cut into LIME's interpretable units: the settings, shared by every text an
    explainer sees (`segment(text)` gives one text's `Segmentation`).

    # Parameters

    unit : `str`, optional (default = `"sentence"`)
        `"sentence"` or `"word"`.
    bow : `bool`, optional (default = `True`)
        Words only: one feature per distinct lower-cased word (all occurrences removed
        together) rather than one per occurrence.
    mode : `str`, optional (default = `"drop"`)
        `"drop"` removes a unit; `"mask"` replaces it with `mask_string`.
    mask_string : `str`, optional (default = `"UNKWORDZ"`)
        The `lime` package's mask; for sequence models a tokenizer's `[MASK]` is an option.
    """

    unit: str = "sentence"
    bow: bool = True
    mode: str = "drop"
    mask_string: str = "UNKWORDZ"

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}, got {self.unit!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")

    def spans(self, text: str) -> List[Tuple[int, int]]:
        return sentence_spans(text) if self.unit == "sentence" else word_spans(text)

    def segment(self, text: str) -> "Segmentation":
        return Segmentation(text, settings=self)


class Segmentation:
    """
    One text cut into units, and the binary representation LIME perturbs.

    # Parameters

    text : `str`
    unit, bow, mode, mask_string
        As in `Segmenter`; or pass `settings`, a `Segmenter`, instead.
    """

    def __init__(self, text: str, unit: str = "sentence", bow: bool = True, mode: str = "drop",
                 mask_string: str = "UNKWORDZ", settings: Optional[Segmenter] = None) -> None:
        settings = settings or Segmenter(unit, bow, mode, mask_string)
        self.settings = settings
        self.text = text
        by_word = settings.unit == "word" and settings.bow
        names: List[str] = []
        index = {}
        segments = []
        for start, end in settings.spans(text):
            piece = text[start:end]
            key = piece.lower() if by_word else len(names)
            if key not in index:
                index[key] = len(names)
                names.append(piece.lower() if by_word else piece)
            segments.append(Segment(start, end, piece, index[key]))
        self.segments: List[Segment] = segments
        self.feature_names: List[str] = names
        self._segment_features = np.array([s.feature for s in segments], dtype=int)
        # the text as [gap, unit, gap, unit, ..., gap]: composing is one join
        parts: List[str] = []
        position = 0
        for segment in segments:
            parts += [text[position:segment.start], segment.text]
            position = segment.end
        parts.append(text[position:])
        self._parts = np.array(parts, dtype=object)
        self._replacement = settings.mask_string if settings.mode == "mask" else ""

    @property
    def unit(self) -> str:
        return self.settings.unit

    @property
    def mode(self) -> str:
        return self.settings.mode

    @property
    def num_features(self) -> int:
        return len(self.feature_names)

    def compose(self, keep: Sequence[bool]) -> str:
        """The text with the features where ``keep`` is false removed (or masked)."""
        keep = np.asarray(keep, dtype=bool)
        if keep.shape != (self.num_features,):
            raise ValueError(f"expected {self.num_features} keep flags, got shape {keep.shape}")
        if keep.all():
            return self.text
        parts = self._parts.copy()
        removed = ~keep[self._segment_features]
        parts[1::2][removed] = self._replacement
        result = "".join(parts)
        if self.mode == "drop":
            result = _SPACES.sub(" ", result)
            result = _SPACE_AT_LINE_ENDS.sub("\n", result)
            result = _BLANK_LINES.sub("\n\n", result).strip()
        return result

    def compose_many(self, keep_rows: np.ndarray) -> List[str]:
        return [self.compose(row) for row in keep_rows]
