"""Keep freed memory in the process instead of handing it back to the kernel (glibc only).

A transformer's forward pass allocates and frees blocks of tens of megabytes (attention scores:
64 reviews x 12 heads x 256 x 256 pieces is 100 MB in bfloat16). glibc's malloc serves blocks
above its mmap threshold (at most 32 MB) with fresh `mmap`s and unmaps them on `free`, so every
batch faults its pages in again: scoring the test split with all-mpnet-base-v2 spent 45% of
its CPU time in the kernel (283 million page faults). With mmap off for the main heap and
trimming only above 2 GB of free space at its top, freed blocks are reused: the same scoring
without the kernel time (`experiments/malloc_bench.py`; docs/models.md). The process keeps its
high-water mark of memory, as jemalloc and tcmalloc (PyTorch's advice for CPU work) also do.

`keep_freed_memory()` is called when textflix_lib is imported (every `allennlp` command with
the plugin); `TEXTFLIX_MALLOC=system` leaves glibc's defaults alone. Plain Python: no AllenNLP.
"""
import ctypes
import os
import platform

# mallopt(3) parameters (malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
TRIM_THRESHOLD = 2**31 - 1  # mallopt takes an int
ENVIRONMENT_VARIABLE = "TEXTFLIX_MALLOC"


def keep_freed_memory() -> bool:
    """Tune glibc's malloc for large, short-lived tensors; whether it was done (False off
    glibc, with `TEXTFLIX_MALLOC=system`, or where mallopt refuses)."""
    choice = os.environ.get(ENVIRONMENT_VARIABLE, "keep").strip().lower()
    if choice == "system":
        return False
    if choice != "keep":
        raise ValueError(f"{ENVIRONMENT_VARIABLE} must be 'keep' (the default) or 'system', got {choice!r}")
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    return bool(libc.mallopt(M_MMAP_MAX, 0)) and bool(libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
