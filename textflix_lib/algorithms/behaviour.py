"""Behavioural tests of a sentiment classifier, after CheckList (Ribeiro et al. 2020, "Beyond
Accuracy: Behavioral Testing of NLP Models with CheckList").

Plain Python and numpy: a model is a function ``texts -> (len(texts), labels) probabilities``
(`textflix_lib.predictors.scoring.probability_function` makes one from an archive), so the
suite runs on anything that scores texts.

A suite is a JSON document (the packaged one is `textflix_lib/data_files/behaviour_tests.json`):

- ``lexicons``: named word lists. A template's ``{slot}`` is filled from the lexicon of that
  name; ``{slot2}`` (a lexicon name and a digit) draws a *different* entry of the same lexicon.
- ``base_reviews``: templates of short reviews, the texts the perturbation tests start from
  (``"{base_reviews}"`` in a test's template list stands for all of them).
- ``tests``, each of one type:

  - **MFT** (minimum functionality): templates with an expected label; a case fails when the
    predicted label differs.
  - **INV** (invariance): a text and a perturbed copy (names swapped, typos, punctuation, a
    neutral sentence added); a case fails when the predicted label changes.
  - **DIR** (directional): a text and a copy with a sentence appended; with ``direction`` +1
    the positive probability must not fall by more than ``tolerance`` (CheckList's 0.1),
    with -1 it must not rise by more than that.

- ``probes``: single sentences with their labels, scored and reported on their own.

Generation is seeded (`random.Random(seed)`): the same suite, seed and size give the same
cases on any machine. Tests with ``use_reviews`` also perturb the real reviews passed in.
"""
import json
import random
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy

PredictTexts = Callable[[List[str]], numpy.ndarray]

TEST_TYPES = ("MFT", "INV", "DIR")
DEFAULT_SUITE = Path(__file__).resolve().parent.parent / "data_files" / "behaviour_tests.json"
_SLOT = re.compile(r"\{([a-z_]+?)(\d*)\}")
_ARTICLE = re.compile(r"\b([Aa]) (?=[aeiouAEIOU])")
_WORD = re.compile(r"[A-Za-z]{4,}")


def load_suite(path: Optional[str] = None) -> Dict[str, Any]:
    """The suite at `path` (default: the packaged one), checked. Raises `ValueError` naming
    what is wrong."""
    path = Path(path) if path else DEFAULT_SUITE
    try:
        suite = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"cannot read the behaviour suite {path}: {error}") from None
    check_suite(suite)
    return suite


def check_suite(suite: Mapping[str, Any]) -> None:
    lexicons = suite.get("lexicons", {})
    names = set()
    for test in suite.get("tests", []):
        name = test.get("name")
        if not name or name in names:
            raise ValueError(f"every test needs a unique name, got {name!r}")
        names.add(name)
        if test.get("type") not in TEST_TYPES:
            raise ValueError(f"test {name!r}: type must be one of {TEST_TYPES}, got {test.get('type')!r}")
        if not test.get("templates"):
            raise ValueError(f"test {name!r} has no templates")
        if test["type"] == "MFT":
            for template in test["templates"]:
                if not isinstance(template, dict) or "label" not in template:
                    raise ValueError(f"test {name!r}: MFT templates are {{\"text\", \"label\"}} objects")
        else:
            if "perturbation" not in test:
                raise ValueError(f"test {name!r}: {test['type']} tests need a perturbation")
        if test["type"] == "DIR" and test.get("direction") not in (1, -1):
            raise ValueError(f"test {name!r}: a DIR test's direction is 1 or -1")
        for template in _templates(suite, test):
            for slot, _ in _SLOT.findall(template):
                if slot not in lexicons:
                    raise ValueError(f"test {name!r}: no lexicon {slot!r} for template {template!r}")


@dataclass
class Case:
    """One test case: `texts` (one for MFT, original and perturbed for INV/DIR), the expected
    label (MFT) and where the text came from (`"template"` or `"review"`)."""

    texts: Tuple[str, ...]
    label: Optional[str] = None
    source: str = "template"


@dataclass
class TestCases:
    name: str
    type: str
    capability: str
    description: str
    cases: List[Case]
    direction: int = 0
    tolerance: float = 0.0


@dataclass
class TestResult:
    name: str
    type: str
    capability: str
    description: str
    cases: int
    failures: int
    examples: List[Dict[str, Any]] = field(default_factory=list)
    by_source: Dict[str, Dict[str, int]] = field(default_factory=dict)

    @property
    def failure_rate(self) -> float:
        return self.failures / self.cases if self.cases else 0.0

    def to_json(self) -> Dict[str, Any]:
        return {"name": self.name, "type": self.type, "capability": self.capability,
                "description": self.description, "cases": self.cases, "failures": self.failures,
                "failure_rate": self.failure_rate, "by_source": self.by_source, "examples": self.examples}


# --------------------------------------------------------------------------------- generation


def fix_articles(text: str) -> str:
    """``a`` before a vowel becomes ``an`` (templates write ``a {adjective}``)."""
    return _ARTICLE.sub(lambda m: m.group(1) + "n ", text)


def _templates(suite: Mapping[str, Any], test: Mapping[str, Any]) -> List[str]:
    out: List[str] = []
    for template in test["templates"]:
        text = template["text"] if isinstance(template, dict) else template
        out.extend(suite.get("base_reviews", []) if text == "{base_reviews}" else [text])
    return out


def _fill(template: str, lexicons: Mapping[str, Sequence[str]], rng: random.Random) -> Dict[str, str]:
    """A value for each slot of `template`; slots of one lexicon get distinct values."""
    fills: Dict[str, str] = {}
    for slot, digit in _SLOT.findall(template):
        key = slot + digit
        if key in fills:
            continue
        taken = {v for k, v in fills.items() if _SLOT.fullmatch("{" + k + "}").group(1) == slot}
        choices = [w for w in lexicons[slot] if w not in taken] or list(lexicons[slot])
        fills[key] = rng.choice(choices)
    return fills


def render(template: str, fills: Mapping[str, str], lexicons: Optional[Mapping[str, Sequence[str]]] = None,
           rng: Optional[random.Random] = None) -> str:
    """`template` with its slots filled (slots missing from `fills` are drawn from `lexicons`)."""
    def value(match: "re.Match[str]") -> str:
        key = match.group(1) + match.group(2)
        if key not in fills:
            if lexicons is None or rng is None:
                raise KeyError(key)
            return rng.choice(list(lexicons[match.group(1)]))
        return fills[key]
    return fix_articles(_SLOT.sub(value, template))


def _unique_draws(draw: Callable[[], Any], key: Callable[[Any], Any], n: int) -> List[Any]:
    """Up to `n` draws with distinct keys (gives up after 50 n attempts: a small lexicon)."""
    seen, out = set(), []
    for _ in range(50 * max(n, 1)):
        if len(out) == n:
            break
        item = draw()
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def typos(text: str, count: int, rng: random.Random) -> str:
    """`count` typos: two adjacent inner letters of a word (4+ letters) swapped, as CheckList's
    `Perturb.add_typos`; words are chosen at random, each at most once."""
    words = [m for m in _WORD.finditer(text) if len(set(m.group()[1:-1])) > 1]
    chars = list(text)
    for match in rng.sample(words, min(count, len(words))):
        word = match.group()
        options = [i for i in range(1, len(word) - 2) if word[i] != word[i + 1]] or [1]
        i = match.start() + rng.choice(options)
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def punctuation(text: str, rng: random.Random) -> str:
    """One punctuation change that applies to `text`: the final stop removed, every '.' made
    '!', commas removed, or '...' added at the end."""
    stripped = text.rstrip()
    options = []
    if stripped and stripped[-1] in ".!?":
        options.append(stripped.rstrip(".!?"))
    if "." in stripped:
        options.append(re.sub(r"\.(?=\s|$)", "!", stripped))
    if "," in stripped:
        options.append(re.sub(r",", "", stripped))
    options.append(stripped.rstrip(".!?") + "...")
    options = [o for o in options if o != text] or [stripped + "..."]
    return rng.choice(options)


def add_sentence(text: str, sentence: str, where: str) -> str:
    """`sentence` before (`"start"`) or after (`"end"`) `text`, separated by a space."""
    text = text.strip()
    if where == "start":
        return f"{sentence} {text}"
    if text and text[-1] not in string.punctuation:
        text += "."
    return f"{text} {sentence}"


def _perturb(text: str, perturbation: Mapping[str, Any], lexicons: Mapping[str, Sequence[str]],
             rng: random.Random) -> str:
    kind = perturbation["kind"]
    if kind == "typos":
        return typos(text, int(perturbation.get("count", 1)), rng)
    if kind == "punctuation":
        return punctuation(text, rng)
    if kind == "add_sentence":
        lexicon = lexicons[perturbation["lexicon"]]
        sentence = render(rng.choice(list(lexicon)), {}, lexicons, rng)
        where = perturbation.get("where", "end")
        if where == "either":
            where = rng.choice(["start", "end"])
        return add_sentence(text, sentence, where)
    raise ValueError(f"unknown perturbation {kind!r}")


def build_tests(suite: Mapping[str, Any], cases: int = 300, seed: int = 0,
                reviews: Sequence[str] = ()) -> List[TestCases]:
    """The suite's tests with up to `cases` generated cases each (fewer only where the
    templates and lexicons cannot give that many distinct texts), plus, for tests marked
    ``use_reviews``, one case per review in `reviews`. Each test has its own generator seeded
    from `seed` and its name, so adding a test changes no other test's cases."""
    lexicons = suite["lexicons"]
    built = []
    for test in suite["tests"]:
        rng = random.Random(f"{seed}:{test['name']}")
        templates = test["templates"] if test["type"] == "MFT" else _templates(suite, test)
        if test["type"] == "MFT":
            def draw_mft():
                template = rng.choice(templates)
                return Case((render(template["text"], _fill(template["text"], lexicons, rng)),),
                            label=template["label"])
            generated = _unique_draws(draw_mft, lambda c: c.texts, cases)
        else:
            perturbation = test["perturbation"]

            def draw_pair():
                template = rng.choice(templates)
                fills = _fill(template, lexicons, rng)
                original = render(template, fills)
                if perturbation["kind"] == "swap":
                    slot = perturbation["slot"]
                    keys = [k for k in fills if re.fullmatch(re.escape(slot) + r"\d*", k)]
                    if not keys:
                        return None
                    swapped = dict(fills)
                    used = set(fills[k] for k in keys)
                    for key in keys:
                        choices = [w for w in lexicons[slot] if w not in used]
                        swapped[key] = rng.choice(choices)
                        used.add(swapped[key])
                    return Case((original, render(template, swapped)))
                return Case((original, _perturb(original, perturbation, lexicons, rng)))
            generated = [c for c in _unique_draws(draw_pair, lambda c: c.texts if c else None, cases + 1)
                         if c is not None][:cases]
            if test.get("use_reviews"):
                for review in reviews:
                    generated.append(Case((review, _perturb(review, perturbation, lexicons, rng)), source="review"))
            generated = [c for c in generated if c.texts[0] != c.texts[1]]
        built.append(TestCases(test["name"], test["type"], test.get("capability", ""), test.get("description", ""),
                               generated, int(test.get("direction", 0)), float(test.get("tolerance", 0.0))))
    return built


# ------------------------------------------------------------------------------------ scoring


def score_texts(predict: PredictTexts, texts: Sequence[str], batch_size: int = 64) -> Dict[str, numpy.ndarray]:
    """Each distinct text's probabilities, scored in batches of `batch_size` sorted by length
    (similar lengths pad little)."""
    unique = sorted(set(texts), key=len)
    scores: Dict[str, numpy.ndarray] = {}
    for start in range(0, len(unique), batch_size):
        chunk = unique[start:start + batch_size]
        probs = numpy.asarray(predict(list(chunk)), dtype=float)
        if probs.shape[0] != len(chunk):
            raise ValueError(f"the model returned {probs.shape[0]} rows for {len(chunk)} texts")
        scores.update(zip(chunk, probs))
    return scores


def evaluate_test(test: TestCases, scores: Mapping[str, numpy.ndarray], labels: Sequence[str],
                  positive_label: str, max_examples: int = 3) -> TestResult:
    """Failures of one test given every text's probabilities. Examples are the worst failures:
    the lowest probability of the expected label (MFT), the largest change in p(positive)
    (INV, DIR)."""
    positive = list(labels).index(positive_label)
    failed: List[Tuple[float, Dict[str, Any], str]] = []
    by_source: Dict[str, Dict[str, int]] = {}
    for case in test.cases:
        probs = [scores[t] for t in case.texts]
        predicted = [labels[int(p.argmax())] for p in probs]
        if test.type == "MFT":
            expected = list(labels).index(case.label)
            fail = predicted[0] != case.label
            severity = -float(probs[0][expected])
            example = {"text": case.texts[0], "expected": case.label, "predicted": predicted[0],
                       "p_positive": float(probs[0][positive])}
        else:
            change = float(probs[1][positive] - probs[0][positive])
            if test.type == "INV":
                fail = predicted[0] != predicted[1]
                severity = abs(change)
            else:
                fail = change * test.direction < -test.tolerance
                severity = -change * test.direction
            example = {"original": case.texts[0], "perturbed": case.texts[1], "predicted": predicted,
                       "p_positive": [float(probs[0][positive]), float(probs[1][positive])], "change": change}
        counts = by_source.setdefault(case.source, {"cases": 0, "failures": 0})
        counts["cases"] += 1
        if fail:
            counts["failures"] += 1
            failed.append((severity, example, case.source))
    failed.sort(key=lambda item: -item[0])
    examples = [{**example, "source": source} for _, example, source in failed[:max_examples]]
    return TestResult(test.name, test.type, test.capability, test.description, len(test.cases),
                      len(failed), examples, by_source)


def run_suite(predict: PredictTexts, labels: Sequence[str], suite: Optional[Mapping[str, Any]] = None,
              cases: int = 300, seed: int = 0, reviews: Sequence[str] = (), positive_label: str = "pos",
              batch_size: int = 64, max_examples: int = 3) -> Dict[str, Any]:
    """Build the suite's cases, score every distinct text once (batched) and evaluate each
    test. Returns ``{"tests": [TestResult.to_json()...], "probes": [...], "texts_scored": n}``."""
    suite = suite if suite is not None else load_suite()
    labels = list(labels)
    if positive_label not in labels:
        raise ValueError(f"positive label {positive_label!r} is not one of the model's labels {labels}")
    for label in {c.get("label") for c in suite.get("probes", [])} | {
            t.get("label") for test in suite["tests"] if test["type"] == "MFT" for t in test["templates"]}:
        if label is not None and label not in labels:
            raise ValueError(f"the suite expects label {label!r}, which the model does not have ({labels})")
    tests = build_tests(suite, cases, seed, reviews)
    probes = list(suite.get("probes", []))
    texts = [t for test in tests for case in test.cases for t in case.texts] + [p["text"] for p in probes]
    scores = score_texts(predict, texts, batch_size)
    positive = labels.index(positive_label)
    probe_results = []
    for probe in probes:
        probs = scores[probe["text"]]
        predicted = labels[int(probs.argmax())]
        probe_results.append({"text": probe["text"], "expected": probe.get("label"), "predicted": predicted,
                              "p_positive": float(probs[positive]),
                              "passed": probe.get("label") in (None, predicted)})
    return {"tests": [evaluate_test(t, scores, labels, positive_label, max_examples).to_json() for t in tests],
            "probes": probe_results, "texts_scored": len(scores), "cases_per_test": cases, "seed": seed,
            "reviews": len(reviews)}
