"""Memory a build let go of goes back to the system (`pipeline.give_back_memory`)."""

from __future__ import annotations

import subprocess
import sys

# Blocks above 512 bytes are the C heap's (not Python's small-object arenas): once freed, glibc
# keeps them for the process unless asked to hand them back.
SCRIPT = """
import os
from badgegen.pipeline import give_back_memory

def resident():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

blocks = [bytes(600) + number.to_bytes(4, "big") for number in range(100_000)]
last = blocks[-1]  # (kept: the top of the heap stays in use)
del blocks
freed = resident()
give_back_memory()
print(freed, resident())
"""


def test_freed_memory_is_handed_back_to_the_system() -> None:
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    freed, after = map(int, run.stdout.split())
    assert freed - after > 40 * 2**20, (freed, after)  # 60 MB of blocks were freed
