"""What mixed precision (bfloat16 autocast) buys on this CPU, per encoder size.

For the packaged MiniLM (6 layers, 384 wide) and a BERT-base-shaped encoder (12 layers, 768
wide, the size of all-mpnet-base-v2 or BERT-base; random weights, built locally: only the
arithmetic is timed), times on `--threads` threads, float32 against
``torch.autocast("cpu", torch.bfloat16)``:
- a scoring forward pass (no gradients) of a batch of 32 reviews of 256 word pieces;
- a training step (forward, backward, AdamW step over every weight) of 16 reviews of 256
  pieces, the transformer configs' batch.
Then projects a self-training run's two big costs from them: fine-tuning on 500 reviews for 6
epochs (192 steps, every layer trained: gradual unfreezing makes the early epochs cheaper) and
scoring 18,393 pool reviews. One JSON line per encoder and precision to OUTPUT (appended):

    .venv/bin/python experiments/cpu_precision_bench.py experiments/results/self_training/cpu_precision_bench.jsonl

`--profile` instead prints torch.profiler's table (self CPU time by operator) of two MiniLM
training steps in bfloat16, to see what is left once the products run in bfloat16.
"""
import argparse
import json
import os
import platform
import time

import torch


def encoders():
    from transformers import AutoConfig, BertConfig, BertModel

    from textflix_lib.resources import resolve_transformer

    minilm = resolve_transformer("minilm")
    yield "minilm-l6 (packaged)", BertModel(AutoConfig.from_pretrained(minilm))
    yield "bert-base-shaped (12x768, random)", BertModel(BertConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=12,
                                                                     num_attention_heads=12, intermediate_size=3072))


def cpu_model():
    """The CPU's name as /proc/cpuinfo gives it (Linux), else None."""
    try:
        with open("/proc/cpuinfo") as handle:
            return next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), None)
    except OSError:
        return None


def timed(function, repeats):
    function()  # warm-up (oneDNN primitives, allocations)
    best = []
    for _ in range(repeats):
        cpu = time.process_time()
        function()
        best.append(time.process_time() - cpu)
    return min(best)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pieces", type=int, default=256)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for name, model in encoders():
        if args.profile and "minilm" not in name:
            continue
        head = torch.nn.Linear(model.config.hidden_size, 2)
        optimizer = torch.optim.AdamW(list(model.parameters()) + list(head.parameters()), lr=1e-5)
        score_ids = torch.randint(1000, 29000, (32, args.pieces))
        train_ids = torch.randint(1000, 29000, (16, args.pieces))
        labels = torch.randint(0, 2, (16,))
        for precision in ("float32", "bfloat16"):
            def autocast():
                return torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bfloat16")

            def score():
                model.eval()
                with torch.no_grad(), autocast():
                    model(input_ids=score_ids).last_hidden_state.mean(1)

            def step():
                model.train()
                with autocast():
                    logits = head(model(input_ids=train_ids).last_hidden_state.mean(1))
                    loss = torch.nn.functional.cross_entropy(logits.float(), labels)
                loss.backward()
                optimizer.step()
                optimizer.zero_grad()

            if args.profile:
                if precision == "bfloat16":
                    from torch.profiler import ProfilerActivity, profile

                    step()
                    with profile(activities=[ProfilerActivity.CPU]) as profiler:
                        step()
                        step()
                    print(profiler.key_averages().table(sort_by="self_cpu_time_total", row_limit=15))
                continue
            score_s, step_s = timed(score, args.repeats), timed(step, args.repeats)
            record = {
                "encoder": name, "precision": precision, "threads": args.threads, "pieces": args.pieces,
                "score_batch32_cpu_s": round(score_s, 2), "train_step16_cpu_s": round(step_s, 2),
                "projected_pool_scoring_cpu_min": round(18393 / 32 * score_s / 60, 1),
                "projected_fine_tuning_cpu_min": round(192 * step_s / 60, 1),
                "cpu": platform.processor() or platform.machine(), "cpu_model": cpu_model(), "load": round(os.getloadavg()[0], 1),
                "bf16_units": bool(torch.ops.mkldnn._is_mkldnn_bf16_supported()),
            }
            print(json.dumps(record), flush=True)
            with open(args.output, "a") as handle:
                handle.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
