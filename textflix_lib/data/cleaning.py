"""The review cleaning of ``textflix_lib.data.imdb.clean_review``, keeping track of where each
cleaned character came from.

Training reviews are cleaned when they are read (``<br />`` becomes a newline, other tags go,
entities are unescaped, white space is tidied). Text sent to a predictor must be cleaned the
same way, or the model meets ``<br />`` and ``&amp;`` as tokens it never saw in training; but an
explanation's offsets must point into the text the user sent. `CleanText` gives both: the
cleaned text the model and the sentence splitter see, and `source_span` to map a span of it back
to the original. Plain Python, no AllenNLP.
"""
import html
import re
from dataclasses import dataclass
from typing import Callable, List, Tuple, Union

# a surrogate code point left alone by the JSON decoder ("\\ud800"): not text, and fatal to
# anything that encodes to UTF-8; U+FFFD takes its place, one character for one
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
# the character references `html.unescape` replaces (the pattern of Python's html module)
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_LINE_SPACE = re.compile(r" *\n *")
_MANY_BREAKS = re.compile(r"\n{3,}")

Replacement = Union[str, Callable[["re.Match[str]"], str]]

# clean_review, step by step: (pattern, replacement)
STEPS: Tuple[Tuple["re.Pattern[str]", Replacement], ...] = (
    (_LONE_SURROGATE, "\ufffd"),
    (_BREAK, "\n"),
    (_TAG, " "),
    (_CHARREF, lambda match: html.unescape(match.group())),
    (_SPACES, " "),
    (_LINE_SPACE, "\n"),
    (_MANY_BREAKS, "\n\n"),
)


@dataclass(frozen=True)
class CleanText:
    """A text as sent (`source`) and cleaned (`text`). Character ``i`` of `text` stands for
    ``source[starts[i]:ends[i]]`` (a replacement stands for everything it replaced)."""

    source: str
    text: str
    starts: Tuple[int, ...]
    ends: Tuple[int, ...]

    def source_span(self, start: int, end: int) -> Tuple[int, int]:
        """The span of `source` behind ``text[start:end]`` (``start < end``)."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) is not a non-empty span of a {len(self.text)}-character text")
        return self.starts[start], self.ends[end - 1]

    @property
    def unchanged(self) -> bool:
        return self.text == self.source


def _substitute(pattern: "re.Pattern[str]", replacement: Replacement, text: str,
                starts: List[int], ends: List[int]) -> Tuple[str, List[int], List[int]]:
    pieces: List[str] = []
    new_starts: List[int] = []
    new_ends: List[int] = []
    position = 0
    for match in pattern.finditer(text):
        begin, end = match.span()
        pieces.append(text[position:begin])
        new_starts += starts[position:begin]
        new_ends += ends[position:begin]
        value = replacement(match) if callable(replacement) else replacement
        if value and end > begin:
            pieces.append(value)
            new_starts += [starts[begin]] * len(value)
            new_ends += [ends[end - 1]] * len(value)
        position = end
    pieces.append(text[position:])
    new_starts += starts[position:]
    new_ends += ends[position:]
    return "".join(pieces), new_starts, new_ends


def clean_with_offsets(source: str) -> CleanText:
    """`clean_review(source)` with the origin of every character (see `CleanText`)."""
    text = source
    starts = list(range(len(source)))
    ends = list(range(1, len(source) + 1))
    for pattern, replacement in STEPS:
        text, starts, ends = _substitute(pattern, replacement, text, starts, ends)
    left = len(text) - len(text.lstrip())
    right = len(text.rstrip())
    return CleanText(source, text[left:right], tuple(starts[left:right]), tuple(ends[left:right]))


def clean_review(text: str) -> str:
    """Remove the HTML residue of IMDB reviews and tidy white space."""
    for pattern, replacement in STEPS:
        text = pattern.sub(replacement, text)
    return text.strip()
