"""The garbage collector around the long-lived in-memory indexes (search, venues, basemap…).

An index is hundreds of thousands of container objects that live until the next rebuild. Left in the collector's
oldest generation, every full collection walks all of them: a pause of up to a couple of hundred milliseconds
with the interpreter lock held, which shows up as the tail latency of whatever requests were in flight. After each
build (``settle_after_build``, called for every index build recorded in the metrics) everything alive is moved to
the permanent generation (``gc.freeze()``), which collections never walk.

Frozen objects freed by reference counting go away as usual; only reference cycles among them would stay, until
the next unfreeze. So the frozen generation is watched: when it has grown past ``REFREEZE_GROWTH`` times its size
after the last full collection (old indexes with cycles piling up), it is unfrozen, collected once, and frozen
again. Memory therefore stays bounded over any number of rebuilds (docs/benchmarks.md measures it), and the full
walk happens only then, not at the collector's own rhythm.
"""

from __future__ import annotations

import gc
import threading

REFREEZE_GROWTH = 1.5

_lock = threading.Lock()
_settled = 0  # the frozen generation's size right after the last full collection


def settle_after_build() -> None:
    global _settled
    with _lock:
        if _settled == 0 or gc.get_freeze_count() > REFREEZE_GROWTH * _settled:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            _settled = max(1, gc.get_freeze_count())
        else:
            gc.freeze()
