"""Every error class of qmlib, in one module.

:class:`QmError` and its subclasses are user errors: the command line and the
runner show ``str(error)`` alone (no traceback unless ``--debug``). Errors
raised inside a notebook reach the runner only as a class name (papermill's
``ename``); :func:`is_user_error` answers from this module's classes, so a
user error must be defined here.
"""

from __future__ import annotations

import yaml


class QmError(Exception):
    """An error caused by the user's input, with a message meant for them.

    The command line prints ``str(error)`` and exits non-zero; the traceback
    is shown only with ``--debug``.
    """


class InputFileError(QmError):
    """A table file that cannot be read or lacks a required column."""

    def __init__(self, path: str, problem: str, expected: str | None = None) -> None:
        self.path = path
        self.problem = problem
        self.expected = expected
        text = f"{path}: {problem}"
        if expected:
            text += f" (expected: {expected})"
        super().__init__(text)


class ParamsError(QmError):
    """A params file that does not follow contract section 3."""

    def __init__(self, path: str, key: str, problem: str) -> None:
        self.path = path
        self.key = key
        self.problem = problem
        super().__init__(f"{path}: {key}: {problem}")


class PlaybookError(QmError):
    """A playbook file that does not follow the schema; names the file and the key."""

    def __init__(self, path: str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = path, key, problem
        super().__init__(f"{path}: {key}: {problem}")


class StageOutputError(QmError):
    """A stage's outputs are missing or unreadable and the stage cannot be run to make them."""


class SelectionError(QmError):
    """The command names no runnable community (a usage error: exit code 2)."""


class OutputsLockedError(QmError):
    """Another ``qm run`` holds the outputs folder (exit code 2: nothing was run)."""


class SchedulerError(QmError):
    """The Dask scheduler cannot be reached (exit code 2: nothing was run)."""


class NotesError(QmError):
    """A narrative file (``notes/<id>.md``) that qm cannot place in the report."""

    def __init__(self, path: str, line: int, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        super().__init__(f"{path}, line {line}: {problem}")


def user_error_names() -> frozenset[str]:
    """Class names of :class:`QmError` and all its subclasses (defined in this module)."""
    names: set[str] = set()
    stack: list[type] = [QmError]
    while stack:
        cls = stack.pop()
        names.add(cls.__name__)
        stack.extend(cls.__subclasses__())
    return frozenset(names)


def is_user_error(ename: str) -> bool:
    """``True`` when ``ename`` (an exception's class name) is a :class:`QmError`."""
    return ename in user_error_names()


# ---- internal errors (not shown to users as such) ----------------------------------


class DuplicateKeyError(yaml.YAMLError):
    """A mapping in the params file names the same key twice."""

    def __init__(self, key: str, first_line: int, line: int) -> None:
        self.key, self.first_line, self.line = key, first_line, line
        super().__init__(f"key {key!r} appears twice (lines {first_line} and {line}); give it once")


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a batch; run.json says which communities did not run."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WarmKernelError(RuntimeError):
    """The warm kernel could not be started or reset."""
