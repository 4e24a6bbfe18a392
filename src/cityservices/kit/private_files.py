"""Files only their owner may read (0600): the SQLite database, its WAL and shared-memory files, and backups.

SQLite creates a database's ``-wal`` and ``-shm`` files with the permissions of the database file, so creating
the database file itself as 0600 (before SQLite does, with the process umask) keeps all three private.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_MODE = 0o600


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 (its folder too) unless it exists; an existing file is left as it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_MODE)
    except FileExistsError:
        return
    os.close(descriptor)
