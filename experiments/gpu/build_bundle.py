"""Build the bundle that experiments/gpu/run.sh needs on an offline GPU machine (run here, with
the project venv):

    .venv/bin/python experiments/gpu/build_bundle.py WHEEL_DIR MINILM_FP16_DIR [BUNDLE_DIR]
    .venv/bin/python experiments/gpu/build_bundle.py --project [BUNDLE_DIR]   # the snapshot only
    .venv/bin/python experiments/gpu/build_bundle.py --data [BUNDLE_DIR]      # data.tar.xz and the snapshot

BUNDLE_DIR (default runs/gpu_bundle, git-ignored) gets three xz tarballs, about 50 MB together,
small enough for a 64 MiB upload:

- whl.tar.xz: the cp312 wheels the GPU machine lacks (allennlp 2.10.1 and its pure-Python
  needs, transformers 4.57.6, tokenizers 0.22.2; list and sha256 in experiments/gpu/WHEELS.txt,
  checked here). Each wheel is rewritten with stored (uncompressed) members, same names and
  bytes, so that one solid xz stream compresses across them (run.sh re-checks every installed
  file against its wheel's RECORD).
- data.tar.xz: the embedded split (textflix_lib.data.imdb) as JSON Lines `{"id", "text",
  "label"}`, `id` being the reader's `review_id`: pool.jsonl (the 18,893-review training pool),
  validation.jsonl, test.jsonl, train{100,200,500,1000}_seed{0,1,2}.jsonl (the imdb reader's samples of those sizes
  sample for that seed, checked against the reader itself), and configs/*.json: the configs
  rendered from Jsonnet (the GPU machine has no jsonnet), see CONFIGS below.
- minilm.tar.xz: the packaged all-MiniLM-L6-v2 with float16 weights (loads as float32).
- project.tar.gz: textflix_lib and textflix_compat.py as committed (`git archive HEAD`), so that the
  GPU machine runs committed code even while the working tree holds unfinished edits.
"""
import hashlib
import json
import os
import subprocess
import sys
import zipfile

GPU_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(GPU_DIR))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "experiments"))

MINILM_FILES = ("config.json", "model.safetensors", "special_tokens_map.json", "tokenizer.json",
                "tokenizer_config.json", "vocab.txt")


def check_wheels(wheel_dir):
    expected = {}
    for line in open(os.path.join(GPU_DIR, "WHEELS.txt"), encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            name, sha = line.split()[:2]
            expected[name] = sha.split("=", 1)[1]
    found = sorted(n for n in os.listdir(wheel_dir) if n.endswith(".whl"))
    if set(found) != set(expected):
        raise SystemExit(f"wheels differ from WHEELS.txt: missing {sorted(set(expected) - set(found))}, "
                         f"extra {sorted(set(found) - set(expected))}")
    for name in found:
        digest = hashlib.sha256(open(os.path.join(wheel_dir, name), "rb").read()).hexdigest()
        if digest != expected[name]:
            raise SystemExit(f"{name}: sha256 {digest}, WHEELS.txt says {expected[name]}")
    print(f"{len(found)} wheels match WHEELS.txt")
    return found


def stored_wheels(wheel_dir, names, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name in names:
        src, dst = os.path.join(wheel_dir, name), os.path.join(out_dir, name)
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
            for info in zin.infolist():
                member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                member.external_attr = info.external_attr
                zout.writestr(member, zin.read(info))
        with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst) as b:
            assert a.namelist() == b.namelist() and all(a.read(n) == b.read(n) for n in a.namelist()), name


def write_jsonl(path, reviews, split=None):
    with open(path, "w", encoding="utf-8") as handle:
        for review in reviews:
            record = {"id": review.metadata["review_id"], "text": review.text, "label": review.label}
            if split:
                record["split"] = split
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(reviews)


def write_data(data_dir):
    from textflix_lib.data.imdb import balanced_sample, clean_review, embedded_split
    from textflix_lib.dataset_readers.imdb import ImdbReader

    os.makedirs(data_dir, exist_ok=True)
    split = embedded_split()
    counts = {}
    for name in ("validation", "test"):
        counts[name] = write_jsonl(os.path.join(data_dir, f"{name}.jsonl"), split[name], split=name)
    counts["pool"] = write_jsonl(os.path.join(data_dir, "pool.jsonl"), split.train, split="train")
    for size in (100, 200, 500, 1000):
        reader = ImdbReader(train_size=size)
        for seed in (0, 1, 2):
            sample = balanced_sample(split.train, size, seed)
            reader.seed = seed
            from_reader = [r.text for r in reader.reviews("train")]
            assert from_reader == [r.text for r in sample], f"size {size}, seed {seed}: the reader's sample differs"
            name = f"train{size}_seed{seed}"
            counts[name] = write_jsonl(os.path.join(data_dir, f"{name}.jsonl"), sample)
    # the sentiment predictor cleans its input again: the embedded texts must come out unchanged
    changed = sum(clean_review(r.text) != r.text for part in (split.train, split.validation, split.test) for r in part)
    assert changed == 0, f"{changed} embedded reviews change when cleaned again"
    ids = [r.metadata["review_id"] for part in (split.train, split.validation, split.test) for r in part]
    assert len(ids) == len(set(ids)), "review ids are not unique"
    print("data:", counts)
    return counts


# name -> (config file, overrides as the gpu profile or the issue gives them)
def rendered_configs():
    from textflix_figure import PROFILES
    from textflix_lib.learning_curves import plan
    from textflix_lib.learning_curves.configs import load_configs

    [entry] = [e for e in PROFILES["gpu"] if e["label"] == "minilm"]
    overrides = json.dumps({**entry.get("overrides", {}), **entry.get("by_size", {}).get(500, {})}, sort_keys=True)
    configs = {}
    for seed in (0, 1, 2):
        [config] = load_configs([f"minilm=configs/bert.jsonnet"], overrides)
        configs[f"profile_minilm_n500_s{seed}"] = plan.run_params(config.params, 500, seed)
    from allennlp.common import Params

    for name in ("bert", "bert_large"):
        configs[name] = Params.from_file(os.path.join(REPO, "configs", f"{name}.jsonnet")).as_dict(quiet=True)
    return configs


def write_configs(directory):
    os.makedirs(directory)
    for name, params in rendered_configs().items():
        with open(os.path.join(directory, f"{name}.json"), "w", encoding="utf-8") as handle:
            json.dump(params, handle, indent=1)


def txz(out, cwd, *paths):
    subprocess.run(f"tar -C {cwd} -cf - {' '.join(paths)} | xz -9e -T2 > {out}", shell=True, check=True)
    print(out, os.path.getsize(out))


def snapshot_project(bundle):
    target = os.path.join(bundle, "project.tar.gz")
    head = subprocess.run(["git", "-C", REPO, "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    subprocess.run(f"git -C {REPO} archive --format=tar.gz -9 --prefix=project/ HEAD textflix_lib textflix_compat.py"
                   f" > {target}", shell=True, check=True)
    print("project snapshot of", head.stdout.strip(), os.path.getsize(target))


def main():
    if sys.argv[1] == "--project":
        snapshot_project(sys.argv[2] if len(sys.argv) > 2 else os.path.join(REPO, "runs", "gpu_bundle"))
        return
    if sys.argv[1] == "--data":  # data.tar.xz and the project snapshot only (wheels and MiniLM kept)
        bundle = sys.argv[2] if len(sys.argv) > 2 else os.path.join(REPO, "runs", "gpu_bundle")
        os.chdir(REPO)
        stage = os.path.join(bundle, "stage")
        subprocess.run(["rm", "-rf", stage], check=True)
        write_data(os.path.join(stage, "data"))
        write_configs(os.path.join(stage, "data", "configs"))
        txz(os.path.join(bundle, "data.tar.xz"), stage, "data")
        subprocess.run(["rm", "-rf", stage], check=True)
        snapshot_project(bundle)
        return
    wheel_dir, minilm_dir = sys.argv[1], sys.argv[2]
    bundle = sys.argv[3] if len(sys.argv) > 3 else os.path.join(REPO, "runs", "gpu_bundle")
    os.chdir(REPO)
    stage = os.path.join(bundle, "stage")
    subprocess.run(["rm", "-rf", stage], check=True)
    names = check_wheels(wheel_dir)
    stored_wheels(wheel_dir, names, os.path.join(stage, "whl"))
    counts = write_data(os.path.join(stage, "data"))
    write_configs(os.path.join(stage, "data", "configs"))
    os.makedirs(os.path.join(stage, "minilm"))
    for name in MINILM_FILES:
        subprocess.run(["cp", os.path.join(minilm_dir, name), os.path.join(stage, "minilm", name)], check=True)
    txz(os.path.join(bundle, "whl.tar.xz"), stage, "whl")
    txz(os.path.join(bundle, "data.tar.xz"), stage, "data")
    txz(os.path.join(bundle, "minilm.tar.xz"), stage, "minilm")
    subprocess.run(["rm", "-rf", stage], check=True)
    snapshot_project(bundle)
    with open(os.path.join(bundle, "manifest.json"), "w", encoding="utf-8") as handle:
        json.dump({"wheels": names, "data": counts,
                   "bytes": {n: os.path.getsize(os.path.join(bundle, n)) for n in
                             ("whl.tar.xz", "data.tar.xz", "minilm.tar.xz")}}, handle, indent=1)


if __name__ == "__main__":
    main()
