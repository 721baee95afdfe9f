"""Calibration maths against values worked out by hand, and temperature scaling on synthetic
sets whose calibration is known by construction."""
import json
import math

import numpy
import pytest
from sklearn.metrics import brier_score_loss, log_loss

from textflix_lib.algorithms import calibration as cal
from textflix_lib.algorithms.calibration_plots import reliability_png


def two_class(p_positive):
    p = numpy.asarray(p_positive, dtype=float)
    return numpy.stack([1 - p, p], axis=1)


# four predictions: confidences 0.9 (right), 0.8 (wrong), 0.6 (right), 0.55 (wrong)
HAND_PROBS = two_class([0.9, 0.2, 0.6, 0.45])
HAND_LABELS = numpy.array([1, 1, 1, 1])


def test_reliability_bins_by_hand():
    bins = cal.reliability_bins(HAND_PROBS, HAND_LABELS, n_bins=5)
    # bins (0,.2], (.2,.4], (.4,.6], (.6,.8], (.8,1]
    assert [b["count"] for b in bins] == [0, 0, 2, 1, 1]
    assert bins[2]["confidence"] == pytest.approx((0.6 + 0.55) / 2) and bins[2]["accuracy"] == 0.5
    assert bins[3]["confidence"] == pytest.approx(0.8) and bins[3]["accuracy"] == 0.0
    assert bins[4]["confidence"] == pytest.approx(0.9) and bins[4]["accuracy"] == 1.0
    assert bins[0]["accuracy"] is None


def test_ece_mce_brier_nll_by_hand():
    # ECE = 2/4 |0.5 - 0.575| + 1/4 |0 - 0.8| + 1/4 |1 - 0.9| = 0.0375 + 0.2 + 0.025
    assert cal.expected_calibration_error(HAND_PROBS, HAND_LABELS, 5) == pytest.approx(0.2625)
    assert cal.maximum_calibration_error(HAND_PROBS, HAND_LABELS, 5) == pytest.approx(0.8)
    # Brier: sum over both classes of (p - y)^2 = 2 (1 - p_true)^2
    expected = numpy.mean([2 * 0.1 ** 2, 2 * 0.8 ** 2, 2 * 0.4 ** 2, 2 * 0.55 ** 2])
    assert cal.brier_score(HAND_PROBS, HAND_LABELS) == pytest.approx(expected)
    assert cal.brier_score(HAND_PROBS, HAND_LABELS) == pytest.approx(
        2 * brier_score_loss(HAND_LABELS, HAND_PROBS[:, 1]))
    assert cal.negative_log_likelihood(HAND_PROBS, HAND_LABELS) == pytest.approx(
        -numpy.mean(numpy.log([0.9, 0.2, 0.6, 0.45])))
    assert cal.accuracy(HAND_PROBS, HAND_LABELS) == 0.5


def test_bin_edges_are_right_closed():
    probs = two_class([0.6, 0.7])  # confidence exactly on the edges .6 and .7
    bins = cal.reliability_bins(probs, [1, 1], n_bins=10)
    assert [b["count"] for b in bins][5:7] == [1, 1]


def test_perfectly_calibrated_set_has_ece_near_zero():
    rng = numpy.random.default_rng(0)
    p = rng.uniform(0.5, 1.0, 200_000)
    labels = (rng.uniform(size=p.size) < p).astype(int)  # right with probability p
    assert cal.expected_calibration_error(two_class(p), labels) < 0.005
    # each prediction right exactly as often as it says: ECE 0 on a fixed grid
    grid = numpy.repeat([0.55, 0.65, 0.75, 0.85, 0.95], 20)
    right = numpy.concatenate([numpy.arange(20) < round(c * 20) for c in (0.55, 0.65, 0.75, 0.85, 0.95)])
    assert cal.expected_calibration_error(two_class(grid), right.astype(int)) == pytest.approx(0.0, abs=1e-12)


def test_apply_temperature_matches_the_softmax_of_scaled_log_probabilities():
    probs = numpy.array([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]])
    t = 2.5
    logits = numpy.log(probs) / t
    expected = numpy.exp(logits) / numpy.exp(logits).sum(axis=1, keepdims=True)
    numpy.testing.assert_allclose(cal.apply_temperature(probs, t), expected)
    numpy.testing.assert_allclose(cal.apply_temperature(probs, 1.0), probs)
    # two classes: the log-odds divided by T
    scaled = cal.apply_temperature(two_class([0.9]), 2.0)[0, 1]
    assert math.log(scaled / (1 - scaled)) == pytest.approx(math.log(9) / 2)
    # labels never change
    assert (cal.apply_temperature(probs, 7.0).argmax(1) == probs.argmax(1)).all()
    with pytest.raises(ValueError, match="positive"):
        cal.apply_temperature(probs, 0.0)


def overconfident_set(factor, n=4000, seed=1):
    """True probabilities p, reported as sigmoid(factor * logit(p)): factor > 1 is over-confident."""
    rng = numpy.random.default_rng(seed)
    p = rng.uniform(0.02, 0.98, n)
    labels = (rng.uniform(size=n) < p).astype(int)
    reported = 1 / (1 + numpy.exp(-factor * numpy.log(p / (1 - p))))
    return two_class(reported), labels


@pytest.mark.parametrize("factor", [3.0, 0.5])
def test_temperature_scaling_recovers_the_distortion_and_lowers_nll(factor):
    probs, labels = overconfident_set(factor)
    t = cal.fit_temperature(probs, labels)
    assert t == pytest.approx(factor, rel=0.15)
    scaled = cal.apply_temperature(probs, t)
    assert cal.negative_log_likelihood(scaled, labels) < cal.negative_log_likelihood(probs, labels)
    assert cal.expected_calibration_error(scaled, labels) < cal.expected_calibration_error(probs, labels) / 2
    assert cal.accuracy(scaled, labels) == cal.accuracy(probs, labels)
    # it is the minimum: nearby temperatures do no better
    for other in (t * 0.9, t * 1.1):
        assert cal.negative_log_likelihood(cal.apply_temperature(probs, other), labels) >= \
            cal.negative_log_likelihood(scaled, labels) - 1e-9
    assert cal.negative_log_likelihood(scaled, labels) == pytest.approx(log_loss(labels, scaled[:, 1]), rel=1e-6)


def test_a_calibrated_set_keeps_t_near_one():
    probs, labels = overconfident_set(1.0, n=20_000)
    assert cal.fit_temperature(probs, labels) == pytest.approx(1.0, abs=0.05)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="expected"):
        cal.expected_calibration_error(numpy.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match="label indices"):
        cal.brier_score(two_class([0.5]), [2])
    with pytest.raises(ValueError, match="n_bins"):
        cal.reliability_bins(two_class([0.5]), [1], n_bins=0)


def test_calibration_file_round_trip_and_choice(tmp_path):
    a = tmp_path / "a" / "calibration.json"
    b = tmp_path / "b.json"
    cal.save_calibration(str(a), 2.0, ["pos", "neg"], fingerprint="aaa")
    cal.save_calibration(str(b), 0.5, ["pos", "neg"], fingerprint="bbb")
    assert cal.load_calibration(str(a))["temperature"] == 2.0
    assert cal.choose_calibration([str(a), str(b)], "bbb", ["pos", "neg"])["temperature"] == 0.5
    with pytest.raises(ValueError, match="no calibration file fits"):
        cal.choose_calibration([str(a)], "ccc", ["pos", "neg"])
    with pytest.raises(ValueError, match="labels"):
        cal.choose_calibration([str(a)], "aaa", ["neg", "pos"])
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"method": "temperature", "temperature": -1}))
    with pytest.raises(ValueError, match="positive number"):
        cal.load_calibration(str(bad))
    with pytest.raises(ValueError, match="cannot read"):
        cal.load_calibration(str(tmp_path / "missing.json"))


def test_reliability_png(tmp_path):
    probs, labels = overconfident_set(3.0, n=500)
    path = tmp_path / "figure" / "reliability.png"
    metrics = cal.calibration_metrics(probs, labels)
    reliability_png(str(path), [{"title": "before", "metrics": metrics},
                                {"title": "after", "metrics": cal.calibration_metrics(
                                    cal.apply_temperature(probs, 3.0), labels)}], "synthetic")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
