"""Rendering the executed report notebook (04_plan) to ``report.html``.

Uses ``qmlib.report.render_report(executed_nb, html_path, lang)`` when that
exists; until then nbconvert's plain HTML exporter with inputs and prompts
hidden.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import yaml

from qmlib.outputs import atomic_write_bytes

Renderer = Callable[[Path, Path, str], object]


def external_renderer() -> Renderer | None:
    """``qmlib.report.render_report`` if the report package provides it."""
    try:
        module = importlib.import_module("qmlib.report")
    except ModuleNotFoundError as exc:
        if exc.name in ("qmlib.report", "qmlib"):
            return None
        raise
    return getattr(module, "render_report", None)


def basic_render(executed_nb: Path, html_path: Path, lang: str) -> None:
    """nbconvert ``HTMLExporter`` without inputs or prompts (the fallback)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _resources = exporter.from_filename(str(executed_nb))
    if f'<html lang="{lang}"' not in body:
        body = body.replace("<html>", f'<html lang="{lang}">', 1)
    atomic_write_bytes(html_path, body.encode("utf-8"))


def render_report(executed_nb: Path, html_path: Path, lang: str) -> None:
    """Write ``html_path`` from the executed report notebook."""
    renderer = external_renderer() or basic_render
    renderer(executed_nb, html_path, lang)


def report_language(params_path: Path) -> str:
    """The params file's ``language`` (``zh`` or ``en``; ``zh`` when absent or unreadable)."""
    try:
        data = yaml.safe_load(params_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return "zh"
    lang = data.get("language") if isinstance(data, dict) else None
    return lang if lang in ("zh", "en") else "zh"
