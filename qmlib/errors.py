"""Errors that are shown to users as one clear message (no traceback)."""

from __future__ import annotations


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
