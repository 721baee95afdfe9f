"""Chunks of work on Ray actors, results back in the order the chunks were given.

Every actor gets its next chunk as soon as it hands one back (unlike `ray.util.ActorPool`'s
in-order `get_next`, which leaves an actor idle until the chunks before its own are fetched),
and at most `max_ahead` chunks are in flight or waiting to be written, so a big file never
sits whole in memory behind one slow chunk. Plain Python and Ray; no AllenNLP.
"""
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, TypeVar

from textflix_lib.scale_out.ordered_output import Reorderer

T = TypeVar("T")


def start_ray(ray_address: Optional[str], num_cpus: Optional[int]) -> bool:
    """Connect to the cluster at `ray_address`, or start Ray on this machine with `num_cpus`;
    returns whether this call started it (and so should shut it down). Ray's dashboard and
    its workers' logs on the driver's console stay off."""
    import ray

    if ray.is_initialized():
        return False
    options: Dict[str, Any] = {"log_to_driver": False, "include_dashboard": False}
    if ray_address:
        ray.init(address=ray_address, **options)
    else:
        ray.init(num_cpus=num_cpus, **options)
    return True


def ordered_results(actors: Sequence[Any], call: Callable[[Any, T], Any], items: Iterable[T],
                    max_ahead: Optional[int] = None) -> Iterator[Tuple[T, Any]]:
    """``(item, result)`` for each of `items`, in the order of `items`; ``call(actor, item)``
    starts the work on an actor and returns its Ray object reference. `max_ahead` (default:
    four per actor) bounds the chunks started but not yet handed back."""
    import ray

    if not actors:
        raise ValueError("no actors to run on")
    max_ahead = max(len(actors), max_ahead or 4 * len(actors))
    pending = iter(enumerate(items))
    idle: List[Any] = list(actors)
    running: Dict[Any, Tuple[int, T, Any]] = {}  # object ref -> (index, item, actor)
    order: Reorderer[Tuple[T, Any]] = Reorderer()
    exhausted = False
    while True:
        # start work while an actor is free and the window allows
        while idle and not exhausted and (len(running) + len(order)) < max_ahead:
            try:
                index, item = next(pending)
            except StopIteration:
                exhausted = True
                break
            actor = idle.pop()
            running[call(actor, item)] = (index, item, actor)
        if not running:
            return
        (done,), _ = ray.wait(list(running), num_returns=1)
        index, item, actor = running.pop(done)
        result = ray.get(done)  # an actor's error is raised here, in the driver
        idle.append(actor)
        for ready in order.add(index, (item, result)):
            yield ready
