"""The behavioural suite: generation from the packaged templates (seeded, varied, well formed),
perturbations, batched scoring, and the tests' verdicts on an NB-SVM fitted on a handful of
sentences, whose failures are known by construction."""
import random
import re

import numpy
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from textflix_lib.algorithms import behaviour as bt
from textflix_lib.algorithms.nbsvm import NBSVM

POS = ["good", "great", "wonderful", "excellent", "superb"]
NEG = ["bad", "awful", "boring", "dull", "terrible"]


@pytest.fixture(scope="module")
def suite():
    return bt.load_suite()


@pytest.fixture(scope="module")
def tiny_nbsvm():
    """Unigram NB-SVM trained on "The film was ADJ." for five positive and five negative
    adjectives: only the adjectives carry weight, and "not", names and other words are
    unknown to it (no weight at all)."""
    texts = [f"The film was {a}." for a in POS + NEG] + [f"I found it {a}." for a in POS + NEG]
    labels = numpy.array(([1] * 5 + [0] * 5) * 2)
    vectorizer = CountVectorizer(binary=True)
    model = NBSVM(C=1.0, beta=0.25).fit(vectorizer.fit_transform(texts), labels)

    def predict(batch):
        p = model.predict_proba(vectorizer.transform(batch))
        return numpy.asarray(p)  # columns in classes_ order: 0 = neg, 1 = pos
    return predict


LABELS = ["neg", "pos"]

TINY_SUITE = {
    "lexicons": {"pos_adj": POS, "neg_adj": NEG, "name": ["Ann", "Bob", "Cyd", "Dee", "Eve", "Fay"],
                 "pos_sentence": ["The film was great."], "neg_sentence": ["The film was awful."]},
    "base_reviews": ["{name} was {pos_adj}.", "{name} was {neg_adj}."],
    "probes": [{"text": "The film was not good.", "label": "neg"}, {"text": "The film was good.", "label": "pos"}],
    "tests": [
        {"name": "plain", "type": "MFT", "templates": [{"text": "The film was {pos_adj}.", "label": "pos"},
                                                       {"text": "The film was {neg_adj}.", "label": "neg"}]},
        {"name": "negated positive", "type": "MFT", "templates": [{"text": "The film was not {pos_adj}.", "label": "neg"}]},
        {"name": "swap names", "type": "INV", "templates": ["{base_reviews}"],
         "perturbation": {"kind": "swap", "slot": "name"}},
        {"name": "positive appended", "type": "DIR", "templates": ["{base_reviews}"],
         "perturbation": {"kind": "add_sentence", "lexicon": "pos_sentence", "where": "end"},
         "direction": 1, "tolerance": 0.1},
        {"name": "positive appended, wrong way", "type": "DIR", "templates": ["{neg_adj} and {neg_adj2}."],
         "perturbation": {"kind": "add_sentence", "lexicon": "pos_sentence", "where": "end"},
         "direction": -1, "tolerance": 0.0},
    ],
}


def test_known_failures_of_a_bag_of_words_model(tiny_nbsvm):
    result = bt.run_suite(tiny_nbsvm, LABELS, TINY_SUITE, cases=50, seed=3, batch_size=7)
    rates = {t["name"]: t["failure_rate"] for t in result["tests"]}
    assert rates == {"plain": 0.0, "negated positive": 1.0, "swap names": 0.0,
                     "positive appended": 0.0, "positive appended, wrong way": 1.0}
    counts = {t["name"]: t["cases"] for t in result["tests"]}
    assert counts["plain"] == 10 and counts["negated positive"] == 5  # all the distinct texts there are
    negated = next(t for t in result["tests"] if t["name"] == "negated positive")
    assert len(negated["examples"]) == 3
    assert all(e["predicted"] == "pos" and e["expected"] == "neg" for e in negated["examples"])
    # worst first: the lowest probability of the expected label
    assert [e["p_positive"] for e in negated["examples"]] == sorted(
        (e["p_positive"] for e in negated["examples"]), reverse=True)
    assert [p["passed"] for p in result["probes"]] == [False, True]


def test_packaged_suite_gives_hundreds_of_distinct_well_formed_cases(suite):
    tests = bt.build_tests(suite, cases=300, seed=0)
    assert {t.type for t in tests} == {"MFT", "INV", "DIR"}
    names = {t.name for t in tests}
    assert {"negated positive", "negated negative", "intensifiers", "diminishers", "contrast clauses",
            "swap actor names", "swap film titles", "swap places", "typos", "punctuation",
            "neutral sentence added", "positive sentence appended", "negative sentence appended"} <= names
    for test in tests:
        assert len(test.cases) == 300, test.name
        assert len({c.texts for c in test.cases}) == 300, test.name
        for case in test.cases:
            for text in case.texts:
                assert "{" not in text and "}" not in text
                assert not re.search(r"\b[Aa] [aeiou]", text), text
            if test.type != "MFT":
                assert case.texts[0] != case.texts[1]
    mft = [c for t in tests if t.type == "MFT" for c in t.cases]
    assert {c.label for c in mft} == {"pos", "neg"}
    negated = next(t for t in tests if t.name == "negated negative")
    assert all(c.label == "pos" for c in negated.cases)


def test_the_issue_sentences_are_probes_and_template_cases(suite):
    probes = {p["text"]: p["label"] for p in suite["probes"]}
    assert probes["This movie was not good at all."] == "neg"
    assert probes["I did not like it, and I will never watch it again."] == "neg"
    templates = [t["text"] for test in suite["tests"] if test["type"] == "MFT" for t in test["templates"]]
    assert "This {noun} was not {pos_adj} at all." in templates
    assert "I did not {pos_verb_base} it, and I will never watch it again." in templates


def test_generation_is_seeded(suite):
    def texts(seed):
        return [c.texts for t in bt.build_tests(suite, cases=40, seed=seed, reviews=["A real review. It was fine."])
                for c in t.cases]
    assert texts(0) == texts(0)
    assert texts(0) != texts(1)


def test_swaps_change_only_the_swapped_names(suite):
    actors = set(suite["lexicons"]["actor"])
    test = next(t for t in bt.build_tests(suite, cases=100, seed=0) if t.name == "swap actor names")
    for case in test.cases:
        original, swapped = case.texts
        for name in actors:  # remove every actor name: what is left is the same
            original, swapped = original.replace(name, "NAME"), swapped.replace(name, "NAME")
        assert original == swapped


def test_reviews_join_the_perturbation_tests(suite):
    reviews = ["I liked the first hour. The rest dragged on, sadly.", "An odd film, with a fine score."]
    tests = bt.build_tests(suite, cases=20, seed=0, reviews=reviews)
    for test in tests:
        from_reviews = [c for c in test.cases if c.source == "review"]
        if test.type == "MFT" or test.name.startswith("swap"):
            assert not from_reviews
        else:
            assert [c.texts[0] for c in from_reviews] == reviews


def test_perturbations():
    rng = random.Random(0)
    typo = bt.typos("The wonderful acting", 1, rng)
    assert typo != "The wonderful acting" and sorted(typo) == sorted("The wonderful acting")
    assert len(typo) == len("The wonderful acting")
    assert bt.typos("a b c", 2, rng) == "a b c"  # no word long enough
    changed = {bt.punctuation("Good, fun. I liked it.", random.Random(s)) for s in range(30)}
    assert changed == {"Good, fun. I liked it", "Good, fun! I liked it!", "Good fun. I liked it.",
                       "Good, fun. I liked it..."}
    assert bt.add_sentence("It was fine", "I loved it.", "end") == "It was fine. I loved it."
    assert bt.add_sentence("It was fine.", "It is set in Rome.", "start") == "It is set in Rome. It was fine."
    assert bt.fix_articles("a excellent film, a good one, A awful day") == "an excellent film, a good one, An awful day"


def test_each_text_is_scored_once_in_batches(suite):
    calls = []

    def predict(texts):
        calls.append(list(texts))
        return numpy.tile([0.4, 0.6], (len(texts), 1))
    result = bt.run_suite(predict, LABELS, suite, cases=30, seed=0, batch_size=50)
    scored = [t for call in calls for t in call]
    assert len(scored) == len(set(scored)) == result["texts_scored"]
    assert all(len(call) <= 50 for call in calls)
    # a constant model: every MFT case with label neg fails, no INV/DIR case does
    for test in result["tests"]:
        if test["type"] != "MFT":
            assert test["failures"] == 0


def test_bad_suites_and_labels_are_named(suite, tmp_path):
    with pytest.raises(ValueError, match="not one of the model's labels"):
        bt.run_suite(lambda t: numpy.zeros((len(t), 2)), ["a", "b"], suite, cases=2)
    broken = {"lexicons": {}, "tests": [{"name": "x", "type": "MFT", "templates": [{"text": "{nope}", "label": "pos"}]}]}
    with pytest.raises(ValueError, match="no lexicon 'nope'"):
        bt.check_suite(broken)
    with pytest.raises(ValueError, match="type must be one of"):
        bt.check_suite({"tests": [{"name": "x", "type": "XYZ", "templates": ["a"]}]})
    with pytest.raises(ValueError, match="direction"):
        bt.check_suite({"tests": [{"name": "x", "type": "DIR", "templates": ["a"],
                                   "perturbation": {"kind": "typos"}}]})
    path = tmp_path / "suite.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="cannot read the behaviour suite"):
        bt.load_suite(str(path))
