"""Sentence splitting for review text (plain Python, no AllenNLP).

`sentence_spans(text)` gives the character spans of the sentences of a review: ordered,
non-overlapping, without surrounding white space, ``text[start:end]`` is the sentence, and
every non-space character of the text lies in some span. Paragraph breaks ("\\n", which
cleaned IMDB reviews keep from ``<br />``) always end a sentence; a piece without any letter or
digit ("...", ")") joins the sentence before it.

Inside a paragraph, spaCy's rule-based sentencizer (`spacy.blank("en")`, no model, loaded once)
proposes the cuts and the rules below correct them. They target what IMDB reviewers write and
spaCy misses (measured on hand-checked reviews: `docs/sentence_splitting.md`):

- a stop, question or exclamation mark with no space before the next sentence ("it?It's",
  "at all!However", "(1987).To"), unless the word before the stop is an abbreviation or an
  initial ("Mr.Savage", "J.B.Lenoir");
- an ellipsis or a double stop before a capital ("kid...I wish", "time.. Rating");
- an emoticon before a capital ("watching it:) What I like");
- no cut after an abbreviation, an initial or "t.v."-like token unless the next word is one
  that typically starts a sentence ("in the U.S. My one complaint" is cut, "t.v. this
  afternoon", "Dr. Lane" are not); none before a lower-case word after a bracket
  ("comedy(?) is"); none after a bare list number ("1. Brief Encounter");
- a cut that spaCy put before stray punctuation (". .The") or before a closing quote
  ('"no."Then') moves past it.
"""
import functools
import re
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

_PARAGRAPH = re.compile(r"[^\n]+")
_HAS_WORD = re.compile(r"[^\W_]")

# upper-case letters ("A-Z" and the accented and other alphabets' ones: "Ünïcödé", "Ça")
_UPPER = "".join(re.escape(chr(i)) for i in range(0x3000) if chr(i).isupper() and chr(i).isalpha())
# a stop/question/exclamation mark with no space before a capital: "it.It's", "all!However", '"no."Then'
_NO_SPACE = re.compile(r"(?<=[^\s.!?])(?P<mark>[!?]+|\.)[\"'”’)\]]*(?=[" + _UPPER + r"])")
# an ellipsis or double stop before a capital, with or without a space: "kid...I wish", "time.. Rating"
_ELLIPSIS = re.compile(r"(?:\.{2,}|…)[\"'”’)\]]*\s*(?=[\"“]?[" + _UPPER + r"])")
# an emoticon before a capital: "watching it:) What"
_EMOTICON = re.compile(r"[:;=]-?[)(\]\[DP]+\s+(?=[\"“]?[" + _UPPER + r"])")
# a stop, question or exclamation mark, a space, a capital: the ordinary case (spaCy misses it
# after its abbreviations, "the U.S. My"; the abbreviation rules below decide)
_ORDINARY = re.compile(r"(?:(?<=[^\s.])\.|[!?]+)[\"'”’)\]*]*\s+(?=[\"“(]?[" + _UPPER + r"])")
_QUOTES = "\"'”’"
_LEADING_MARKS = re.compile(r"[.!?…]+[\"'”’)\]]*")
_TOKEN_BEFORE_STOP = re.compile(r"(\S*)\.$")
_DOMAIN = re.compile(r"[\w-]+\.(?:com|net|org|edu|gov|info|co|uk|de|fr|tv|ca|au|in)\b", re.IGNORECASE)
_INITIALS = re.compile(r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}")
_ENUMERATOR = re.compile(r"\(?(?:\d{1,3}|[A-Za-z]|[ivxIVX]{1,4})[.)]")
_NEXT_WORD = re.compile(r"[\"“'‘(]*([^\W\d_][\w'’]*)")

# words before a stop that never end a sentence: titles before a name
TITLES = frozenset("mr mrs ms messrs dr prof st mt ft sgt capt lt col gen rev fr sr vs v".split())
# abbreviations that may or may not end a sentence: cut only before a sentence-starting word
ABBREVIATIONS = frozenset(
    "etc jr co corp inc ltd bros approx dept est vol ch pp fig min hr hrs sec aka ca cf".split())
# words that typically start a sentence (to decide after an abbreviation: "the U.S. My one ...")
STARTERS = frozenset(
    """i i'm i've i'd i'll it it's its the this that these those there then they he she we you my his her
    our your their a an and but so or if in on at as for what when why how who where which also anyway
    however overall still yet not no yes oh well just all one even now maybe some most any after before
    while although though because since unfortunately fortunately finally first second third last
    besides instead otherwise plus perhaps sadly luckily honestly seriously basically anyway""".split())


def assemble(text: str, cuts: Iterable[int]) -> List[Tuple[int, int]]:
    """Sentence spans from cut positions: a cut at ``i`` starts a sentence at ``text[i]``.

    Paragraph breaks ("\\n") always end a sentence; white space around a sentence is left out;
    a piece without any letter or digit ("...", ")") joins the sentence before it (a leading
    one, the sentence after it).
    """
    cuts = sorted(set(cuts))
    spans: List[Tuple[int, int]] = []
    k = 0
    for paragraph in _PARAGRAPH.finditer(text):
        p_start, p_end = paragraph.span()
        while k < len(cuts) and cuts[k] <= p_start:
            k += 1
        bounds = [p_start]
        while k < len(cuts) and cuts[k] < p_end:
            bounds.append(cuts[k])
            k += 1
        bounds.append(p_end)
        for start, end in zip(bounds, bounds[1:]):
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start == end:
                continue
            if spans and not _HAS_WORD.search(text, start, end):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    if len(spans) > 1 and not _HAS_WORD.search(text, spans[0][0], spans[0][1]):
        spans[:2] = [(spans[0][0], spans[1][1])]
    return spans


def _abbreviation_kind(piece: str) -> Optional[str]:
    """"title" (never ends a sentence), "abbreviation" (may), or None, for a piece ending in a stop."""
    if piece.endswith(".."):
        return None
    match = _TOKEN_BEFORE_STOP.search(piece)
    if match is None:
        return None
    token = match.group(1).lstrip("\"“'‘([*")
    lower = token.lower()
    if lower in TITLES:
        return "title"
    if lower in ABBREVIATIONS or (len(token) == 1 and token.isalpha()) or _INITIALS.fullmatch(token):
        return "abbreviation"
    return None


def _starts_sentence(paragraph: str, position: int, piece: str) -> bool:
    match = _NEXT_WORD.match(paragraph, position)
    if not match or not match.group(1)[0].isupper():
        return False
    # "etc." before a capital ends a sentence; other abbreviations only before a typical first word
    return piece.lower().endswith("etc.") or match.group(1).lower() in STARTERS


def refine(paragraph: str, cuts: Iterable[int]) -> List[int]:
    """The rules of this module applied to a base splitter's cuts inside one paragraph."""
    n = len(paragraph)
    proposed = set()
    for cut in cuts:
        while cut < n and paragraph[cut].isspace():
            cut += 1
        if 0 < cut < n:
            # spaCy sometimes cuts before the stop itself (". .The"): move past it
            marks = _LEADING_MARKS.match(paragraph, cut)
            if marks and marks.end() < n and not paragraph[marks.end()].isspace():
                cut = marks.end()
            # or before the quote that closes the sentence ('"no."Then'): move past it
            elif (paragraph[cut] in _QUOTES and paragraph[cut - 1] in ".!?" and cut + 1 < n
                  and not paragraph[cut + 1].isspace()):
                cut += 1
            proposed.add(cut)
    for match in _NO_SPACE.finditer(paragraph):
        if match.group("mark") == "." and (_abbreviation_kind(paragraph[:match.start("mark") + 1])
                                           or _DOMAIN.match(paragraph, match.end())
                                           or paragraph[:match.start("mark")].lower().endswith("www")):
            continue
        proposed.add(match.end())
    for pattern in (_ELLIPSIS, _EMOTICON, _ORDINARY):
        proposed.update(m.end() for m in pattern.finditer(paragraph) if 0 < m.end() < n)

    kept: List[int] = []
    previous = 0
    for cut in sorted(proposed):
        piece = paragraph[previous:cut].rstrip()
        if not piece:
            continue
        following = paragraph[cut]
        if piece.endswith("."):
            kind = _abbreviation_kind(piece)
            if kind == "title" or (kind == "abbreviation" and not _starts_sentence(paragraph, cut, piece)):
                continue
        if following.islower() and piece[-1] in ")]":
            continue
        if _ENUMERATOR.fullmatch(piece.lstrip()):
            continue
        kept.append(cut)
        previous = cut
    return kept


def _per_paragraph(base: Callable[[str], Sequence[int]], rules: bool) -> Callable[[str], List[Tuple[int, int]]]:
    def split(text: str) -> List[Tuple[int, int]]:
        cuts: List[int] = []
        for paragraph in _PARAGRAPH.finditer(text):
            inner = base(paragraph.group())
            if rules:
                inner = refine(paragraph.group(), inner)
            cuts.extend(paragraph.start() + c for c in inner)
        return assemble(text, cuts)

    return split


@functools.lru_cache(maxsize=None)
def _spacy_sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def spacy_cuts(paragraph: str) -> List[int]:
    """Sentence starts from spaCy's rule-based sentencizer (what Textflix used before)."""
    return [sentence.start_char for sentence in _spacy_sentencizer()(paragraph).sents]


def nupunkt_cuts(paragraph: str) -> List[int]:
    import nupunkt

    return [start for start, _ in nupunkt.sent_spans(paragraph)]


@functools.lru_cache(maxsize=None)
def _pysbd_segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def pysbd_cuts(paragraph: str) -> List[int]:
    return [span.start for span in _pysbd_segmenter().segment(paragraph)]


def no_cuts(paragraph: str) -> List[int]:
    return []


BASES = {"spacy": spacy_cuts, "nupunkt": nupunkt_cuts, "pysbd": pysbd_cuts, "none": no_cuts}


def splitter(base: str = "spacy", rules: bool = True) -> Callable[[str], List[Tuple[int, int]]]:
    """A `sentence_spans`-like function: ``base`` proposes cuts inside paragraphs, the rules of
    this module correct them (``rules=False``: the base alone, in the same frame)."""
    return _per_paragraph(BASES[base], rules)


_CHOSEN = splitter("spacy", rules=True)


def sentence_spans(text: str) -> List[Tuple[int, int]]:
    """Character spans of the sentences of ``text`` (see the module's doc string)."""
    return _CHOSEN(text)
