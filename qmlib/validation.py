"""One readable problem from a pydantic ValidationError (for params and playbook files)."""

from __future__ import annotations

from pydantic import ValidationError


def key_path(loc: tuple) -> str:
    """``("targets", 0, "metric")`` → ``targets[0].metric``; empty → ``(file)``."""
    parts: list[str] = []
    for item in loc:
        parts.append(f"[{item}]" if isinstance(item, int) else ("." if parts else "") + str(item))
    return "".join(parts) or "(file)"


def first_problem(exc: ValidationError, unknown_key: str) -> tuple[str, str]:
    """(key path, message) of the first error; ``unknown_key`` explains an extra key."""
    err = exc.errors()[0]
    loc = tuple(x for x in err["loc"] if not str(x).startswith("function-"))
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = unknown_key
    elif err["type"] == "missing":
        msg = "required key is missing"
    return key_path(loc), msg
