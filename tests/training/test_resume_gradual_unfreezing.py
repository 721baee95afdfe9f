"""The `resume_gradual_unfreezing` callback: `allennlp train --recover` goes on unfreezing
where the interrupted run was. A tiny real model with three parameter groups (embedding,
feed-forward, output layer) and slanted triangular gradual unfreezing is stopped at the end of
its second epoch (before that epoch's checkpoint) and recovered, which repeats the epoch."""
import pytest

import textflix_lib  # noqa: F401  registers the callback
from tiny_runs import read_jsonl, tiny_config, train

STOP = {"type": "textflix_test_stop_once", "epoch": 1}
LOG = {"type": "textflix_test_gradient_log"}


def interrupted_and_recovered(reviews_jsonl, run, callbacks):
    config = tiny_config(reviews_jsonl, 3, callbacks=[*callbacks, LOG, STOP], gradual_unfreezing=True)
    with pytest.raises(RuntimeError, match="simulated interruption"):
        train(config, run)
    train(config, run, recover=True)
    by_epoch = {}
    for record in read_jsonl(run / "gradients.jsonl"):
        by_epoch.setdefault(record["epoch"], []).append(record["got_gradients"])
    return by_epoch


def test_a_recovered_run_keeps_the_groups_it_had_opened(reviews_jsonl, tmp_path):
    by_epoch = interrupted_and_recovered(reviews_jsonl, tmp_path / "run", [{"type": "resume_gradual_unfreezing"}])
    # 40 reviews in batches of 10: 4 batches per epoch; epoch 1 ran twice (stopped, then recovered)
    assert {epoch: len(batches) for epoch, batches in by_epoch.items()} == {0: 4, 1: 8, 2: 4}
    assert all(b == [False, False, True] for b in by_epoch[0])  # the top group only
    assert all(b == [False, True, True] for b in by_epoch[1])   # before and after --recover
    assert all(b == [True, True, True] for b in by_epoch[2])


def test_without_it_the_recovered_epoch_trains_the_top_group_only(reviews_jsonl, tmp_path):
    """What the callback is for: AllenNLP restores the scheduler, not the requires_grad flags."""
    by_epoch = interrupted_and_recovered(reviews_jsonl, tmp_path / "run", [])
    before, after = by_epoch[1][:4], by_epoch[1][4:]
    assert all(b == [False, True, True] for b in before)
    assert all(b == [False, False, True] for b in after)


def test_a_fresh_run_is_left_to_the_scheduler(reviews_jsonl, tmp_path):
    run = tmp_path / "run"
    config = tiny_config(reviews_jsonl, 3, callbacks=[{"type": "resume_gradual_unfreezing"}, LOG],
                         gradual_unfreezing=True)
    train(config, run)
    opened = [sum(r["got_gradients"]) for r in read_jsonl(run / "gradients.jsonl")]
    assert opened == [1] * 4 + [2] * 4 + [3] * 4
