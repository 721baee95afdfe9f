"""textflix_lib.memory: with glibc's malloc kept from unmapping big blocks, a process that
allocates and frees a 64 MB tensor again and again faults its pages in once, not every time.
Each case runs in a fresh interpreter (the setting is made when textflix_lib is imported)."""
import json
import os
import platform
import subprocess
import sys

import pytest

CHILD = """
import json, resource, torch
import textflix_lib.memory as memory
tuned = memory.keep_freed_memory()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    block = torch.ones(16 * 1024 * 1024)  # 64 MB, written: every page touched
    del block
print(json.dumps({"tuned": tuned, "faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before}))
"""


def run_child(setting):
    env = {**os.environ, "TEXTFLIX_MALLOC": setting}
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True)
    return done


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc's malloc only")
def test_freed_blocks_are_reused_instead_of_faulted_in_again():
    system = json.loads(run_child("system").stdout)
    kept = json.loads(run_child("keep").stdout)
    assert system["tuned"] is False and kept["tuned"] is True
    pages = 64 * 1024 * 1024 // os.sysconf("SC_PAGE_SIZE")
    assert system["faults"] >= 15 * pages  # unmapped on free, faulted in again each time
    assert kept["faults"] < 3 * pages  # faulted in once


def test_a_bad_setting_is_named():
    done = run_child("jemalloc")
    assert done.returncode != 0
    assert "TEXTFLIX_MALLOC must be 'keep' (the default) or 'system', got 'jemalloc'" in done.stderr
