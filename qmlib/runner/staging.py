"""Atomic per-community outputs: run into a staging folder, then swap it in.

A community runs with ``out_dir = outputs/.tmp-<id>-<pid>``, so its files
land in ``outputs/.tmp-<id>-<pid>/<id>/`` (same filesystem as outputs/).
When the run ends (successfully or with a notebook error) that folder
replaces ``outputs/<id>``:

* on Linux with a filesystem that supports it, one ``renameat2`` call with
  ``RENAME_EXCHANGE`` swaps the two folders atomically;
* otherwise ``outputs/<id>`` is renamed to ``outputs/.old-<id>-<pid>``, the new
  folder is renamed in, and the old one deleted. A crash between the two
  renames leaves the old folder as ``.old-*``; :func:`clean_stale` (run under
  the outputs lock at the start of the next run) puts it back.

A run that is killed leaves only ``.tmp-*`` folders, which the next run
deletes; ``outputs/<id>`` is never half-written.

Only a successful run is swapped in. A failed run's folder (its executed
notebooks, for audit) is moved to ``outputs/.failed/<id>/`` instead
(:func:`keep_failed`), so ``outputs/<id>`` keeps the last good outputs; the
next successful run removes ``.failed/<id>/`` (:func:`discard_failed`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
from pathlib import Path

from qmlib.outputs import fsync_dir

STAGING_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"
FAILED_DIR = ".failed"

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def staging_root(out_dir: Path, community_id: str) -> Path:
    """``outputs/.tmp-<id>-<pid>``: the ``out_dir`` given to the notebooks."""
    return out_dir / f"{STAGING_PREFIX}{community_id}-{os.getpid()}"


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths; ``False`` when the OS or filesystem cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def fsync_tree(folder: Path) -> None:
    """``fsync`` every file and folder under ``folder`` (so a power cut after the swap loses nothing)."""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(root))


def swap_into_place(new: Path, final: Path) -> None:
    """Make the folder ``new`` become ``final``, replacing what was there.

    ``new`` and ``final`` must be on the same filesystem. Afterwards ``new``
    no longer exists and the previous ``final`` is deleted. Everything in
    ``new`` is flushed to disk before the swap, and the parent folder after it.
    """
    fsync_tree(new)
    if not final.exists() and not final.is_symlink():
        os.rename(new, final)
        fsync_dir(final.parent)
        return
    if _exchange(new, final):
        fsync_dir(final.parent)
        shutil.rmtree(new, ignore_errors=True)  # now holds the previous outputs
        return
    old = final.parent / f"{OLD_PREFIX}{final.name}-{os.getpid()}"
    if old.exists():
        shutil.rmtree(old)
    os.rename(final, old)
    try:
        os.rename(new, final)
    except BaseException:
        os.rename(old, final)
        raise
    fsync_dir(final.parent)
    shutil.rmtree(old, ignore_errors=True)


def keep_failed(work: Path, out_dir: Path, community_id: str) -> Path:
    """Move a failed run's folder ``work`` to ``out_dir/.failed/<id>`` (replacing an older one)."""
    target = out_dir / FAILED_DIR / community_id
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(exist_ok=True)
    os.rename(work, target)
    return target


def discard_failed(out_dir: Path, community_id: str) -> None:
    """Remove ``out_dir/.failed/<id>`` (after a successful run)."""
    shutil.rmtree(out_dir / FAILED_DIR / community_id, ignore_errors=True)


def clean_stale(out_dir: Path) -> list[str]:
    """Remove what killed runs left in ``out_dir``; call only while holding the lock.

    ``.tmp-*`` staging folders are deleted. A ``.old-<id>-<pid>`` folder is
    moved back to ``<id>`` when that is missing (a crash between the two
    renames of :func:`swap_into_place`), else deleted. Returns what was done,
    one line per folder.
    """
    done: list[str] = []
    if not out_dir.is_dir():
        return done
    for entry in sorted(out_dir.iterdir()):
        if not entry.is_dir() or entry.is_symlink():
            continue
        if entry.name.startswith(STAGING_PREFIX):
            shutil.rmtree(entry, ignore_errors=True)
            done.append(f"removed unfinished run folder {entry.name}")
        elif entry.name.startswith(OLD_PREFIX):
            community_id = entry.name[len(OLD_PREFIX) :].rsplit("-", 1)[0]
            target = out_dir / community_id
            if community_id and not target.exists():
                with contextlib.suppress(OSError):
                    os.rename(entry, target)
                    done.append(f"restored {community_id} from {entry.name}")
                    continue
            shutil.rmtree(entry, ignore_errors=True)
            done.append(f"removed {entry.name}")
    return done
