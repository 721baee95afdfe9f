"""What the site shows for every (model, review): the label, the class probabilities and the
sentence-LIME weight of every sentence toward the positive label, computed by the
`sentence_lime` predictor's machinery and cached per (archive, review).

- **Cache**: one `ResultsCache` (JSON lines) per archive, explanation settings, the precision
  the model computes in on this machine (float32, or bfloat16/float16 for an archive trained in
  mixed precision: `explained_precision`) and textflix version, keyed by a digest of the review
  text; a result is written the moment it is done, so an interrupted
  build loses nothing it finished, and a rerun, or a build with one more model, computes only
  what is missing. An archive is known by a digest of its bytes: retrain into the same path and
  the old results are not reused.
- **Workers**: `workers=1` without `ray_address` explains in this process. Otherwise the
  reviews go, in chunks, to Ray actors (started here, or on the cluster at `ray_address`), each
  of which imports AllenNLP once and keeps each archive's predictor loaded; the driver alone
  writes the caches.

AllenNLP is imported only where a model is loaded (`Explainer`), so the driver of a Ray build
stays light.
"""
import hashlib
import json
import logging
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from tqdm import tqdm

from textflix_lib import __version__
from textflix_lib.data.results_cache import ResultsCache

logger = logging.getLogger(__name__)

Record = Dict[str, Any]
# bump when what a cached result holds, or how it is computed, changes
CACHE_FORMAT = 1
# weights keep 4 significant digits, probabilities 4 decimals: what the site ships anyway
_DIGITS = 4


@dataclass(frozen=True)
class SiteModel:
    """A trained archive shown on the site under `name`."""

    name: str
    archive: str

    def fingerprint(self) -> str:
        """A digest of the archive's bytes (a retrained archive is a different model)."""
        digest = hashlib.sha1()
        with open(self.archive, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()[:16]

    def trained_in_mixed_precision(self) -> bool:
        """The archive's ``trainer.use_amp`` (`archive_config`)."""
        from textflix_lib.precision import trained_in_mixed_precision

        return trained_in_mixed_precision(archive_config(self.archive))


def archive_config(archive: str) -> Dict[str, Any]:
    """The training config (`config.json`) of an AllenNLP model archive, read without loading
    the model (it is the archive's first member, so the weights are not decompressed)."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                if member.name.removeprefix("./") == "config.json":
                    handle = tar.extractfile(member)
                    if handle is not None:
                        config = json.load(handle)
                        if isinstance(config, dict):
                            return config
                    break
    except (OSError, tarfile.TarError, ValueError) as error:
        raise ValueError(f"{archive}: not a readable AllenNLP model archive ({error})") from error
    raise ValueError(f"{archive}: no config.json object in the archive; expected an AllenNLP model archive")


def explained_precision(model: SiteModel, predictor_args: Mapping[str, Any], cuda_device: int = -1) -> str:
    """What `Explainer` computes `model`'s results in on this machine: ``"float32"``, or the
    mixed-precision dtype (`textflix_lib.precision.autocast_dtype`: ``"bfloat16"`` on a CPU with
    bfloat16 units, ...) where `predictor_args` ask for ``mixed_precision`` or, without it, the
    archive was trained in it. Results in one precision are not reused for another. (Ray
    workers on other machines are assumed to compute as this one does.)"""
    from textflix_lib.precision import autocast_dtype

    enabled = predictor_args.get("mixed_precision")
    if enabled is None:
        enabled = model.trained_in_mixed_precision()
    dtype = autocast_dtype("cuda" if cuda_device >= 0 else "cpu", bool(enabled))
    return "float32" if dtype is None else str(dtype).replace("torch.", "")


def cache_path(cache_dir: str, model: SiteModel, predictor_args: Mapping[str, Any], cuda_device: int = -1) -> Path:
    """Where `model`'s results live: one file per archive (by content, so renaming a model on
    the site reuses them) and explanation settings, including the precision the model computes
    in on this machine (`explained_precision`) and the version of the code that explains (a new
    sentence splitter in a new release gives new results)."""
    precision = explained_precision(model, predictor_args, cuda_device)
    settings = json.dumps({"args": dict(predictor_args), "precision": precision, "textflix": __version__,
                           "format": CACHE_FORMAT}, sort_keys=True)
    digest = hashlib.sha1(settings.encode()).hexdigest()[:8]
    return Path(cache_dir) / f"{model.fingerprint()}-{digest}.jsonl"


def site_result(explained, positive_label: str) -> Record:
    """The compact result the site needs from an `ExplainedReview`: label, probabilities and
    ``[start, end, weight toward positive_label]`` per sentence."""
    weights = explained.positive_weights(positive_label)
    return {
        "label": explained.label,
        "probs": {label: round(float(p), _DIGITS) for label, p in explained.probs.items()},
        "sentences": [[s.start, s.end, float(f"{w:.{_DIGITS}g}")] for s, w in zip(explained.segments, weights)],
        "fit_r2": round(float(explained.fit_r2), 3),
    }


class Explainer:
    """Loads archives as `sentence_lime` predictors (each once) and explains texts with them.
    Used in this process or as a Ray actor.

    # Parameters

    predictor_args : `dict`, optional
        Options of the `sentence_lime` predictor (`num_samples`, `batch_size`, ...). Without
        `mixed_precision`, an archive trained in mixed precision (``trainer.use_amp``) is
        explained in it (`textflix_lib.predictors.base.predictor_from_path`), the others in float32.
    positive_label : `str`, optional (default = `"pos"`)
    cuda_device : `int`, optional (default = `-1`)
    torch_threads : `int`, optional
        Threads for torch in this process (a Ray actor gets as many as it reserved CPUs).
    """

    def __init__(self, predictor_args: Optional[Mapping[str, Any]] = None, positive_label: str = "pos",
                 cuda_device: int = -1, torch_threads: Optional[int] = None,
                 include_package: Sequence[str] = ()) -> None:
        import importlib

        import torch

        if torch_threads:
            torch.set_num_threads(torch_threads)
        for package in ("textflix_lib", *include_package):
            importlib.import_module(package)
        self.predictor_args = dict(predictor_args or {})
        self.positive_label = positive_label
        self.cuda_device = cuda_device
        self._predictors: Dict[str, Any] = {}

    def predictor(self, archive: str):
        if archive not in self._predictors:
            from textflix_lib.predictors.base import predictor_from_path

            self._predictors[archive] = predictor_from_path(archive, "sentence_lime", self.cuda_device,
                                                            self.predictor_args)
        return self._predictors[archive]

    def explain(self, archive: str, items: Sequence[Tuple[str, str]]) -> List[Record]:
        """Results for ``(digest, text)`` items; the texts are already cleaned by the reader."""
        predictor = self.predictor(archive)
        results = []
        for digest, text in items:
            explained = predictor.explain(text).record(predictor.labels, self.positive_label, predictor.top_k)
            results.append({"digest": digest, **site_result(explained, self.positive_label)})
        return results


def _digest_key(record: Record) -> str:
    return record["digest"]


def precompute(
    models: Sequence[SiteModel],
    texts: Mapping[str, str],
    cache_dir: str,
    *,
    predictor_args: Optional[Mapping[str, Any]] = None,
    positive_label: str = "pos",
    workers: int = 1,
    ray_address: Optional[str] = None,
    cpus_per_worker: float = 1,
    cuda_device: int = -1,
    chunk_size: int = 8,
    progress: bool = True,
    include_package: Sequence[str] = (),
) -> Dict[str, Dict[str, Record]]:
    """Every model's result for every text (``{digest: text}``), as ``{model name: {digest:
    result}}``, computing only what the caches in `cache_dir` lack."""
    predictor_args = dict(predictor_args or {})
    caches = {m.name: ResultsCache(cache_path(cache_dir, m, predictor_args, cuda_device), _digest_key)
              for m in models}
    try:
        todo: List[Tuple[SiteModel, List[Tuple[str, str]]]] = []
        for model in models:
            missing = [(d, t) for d, t in texts.items() if d not in caches[model.name]]
            logger.info("%s: %d of %d reviews cached, %d to explain", model.name, len(texts) - len(missing),
                        len(texts), len(missing))
            todo += [(model, missing[i:i + chunk_size]) for i in range(0, len(missing), chunk_size)]
        total = sum(len(items) for _, items in todo)
        bar = tqdm(total=total, desc="explaining reviews", unit="review", disable=not progress or not total)
        if total and workers <= 1 and not ray_address:
            explainer = Explainer(predictor_args, positive_label, cuda_device, include_package=include_package)
            for model, items in todo:
                for record in explainer.explain(model.archive, items):
                    caches[model.name].add(record)
                bar.update(len(items))
        elif total:
            _explain_on_ray(todo, caches, bar, predictor_args=predictor_args, positive_label=positive_label,
                            workers=workers, ray_address=ray_address, cpus_per_worker=cpus_per_worker,
                            cuda_device=cuda_device, include_package=include_package)
        bar.close()
        return {name: {d: cache.get(d) for d in texts} for name, cache in caches.items()}
    finally:
        for cache in caches.values():
            cache.close()


def _explain_on_ray(todo, caches, bar, *, predictor_args, positive_label, workers, ray_address, cpus_per_worker,
                    cuda_device, include_package) -> None:
    import ray
    from ray.util.actor_pool import ActorPool

    from textflix_lib.learning_curves.sweep import worker_count

    started = not ray.is_initialized()
    if started:
        options: Dict[str, Any] = {"log_to_driver": False, "include_dashboard": False}
        if ray_address:
            ray.init(address=ray_address, **options)
        else:
            ray.init(num_cpus=max(workers, 1) * cpus_per_worker, **options)
    actors: List[Any] = []
    try:
        count = worker_count(ray.cluster_resources(), cpus_per_worker, 0, len(todo), workers if workers > 0 else None)
        actor_class = ray.remote(num_cpus=cpus_per_worker, max_restarts=0)(Explainer)
        threads = max(1, int(cpus_per_worker))
        actors = [actor_class.remote(predictor_args, positive_label, cuda_device, threads, list(include_package))
                  for _ in range(count)]
        pool = ActorPool(actors)
        for model, items in todo:
            pool.submit(lambda actor, job: actor.explain.remote(*job), (model.archive, items))
        # get_next() returns the chunks in the order they were submitted
        for model, items in todo:
            for record in pool.get_next():
                caches[model.name].add(record)
            bar.update(len(items))
    finally:
        for actor in actors:
            ray.kill(actor)
        if started:
            ray.shutdown()


def texts_by_digest(texts: Iterable[str]) -> Dict[str, str]:
    """``{digest: text}`` for the distinct texts (the cache key is the text's digest)."""
    from textflix_lib.data.imdb import content_hash

    return {content_hash(text): text for text in texts}

