"""``outputs/.qm.lock``: one ``qm run`` per outputs folder at a time.

The lock is an ``fcntl.flock`` on the file, so it is released by the kernel
when the process ends however it ends; the file itself is never deleted
(deleting lock files races). Its content names the holder, for the message
shown to a second run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from qmlib.errors import OutputsLockedError

LOCK_FILE = ".qm.lock"


@contextlib.contextmanager
def outputs_lock(out_dir: Path) -> Iterator[Path]:
    """Hold ``out_dir/.qm.lock`` for the duration of the ``with`` block.

    Raises :class:`OutputsLockedError` at once (no waiting) when another
    process holds it.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            raise OutputsLockedError(
                f"{out_dir} is in use by another qm run{holder}; wait for it to finish "
                f"or use another --out-dir"
            ) from None
        started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {started}\n".encode(), 0)
        try:
            yield path
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""
