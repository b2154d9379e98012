"""Logging of ``qm run``: module loggers (``logging.getLogger(__name__)``) everywhere,
configured once per process here.

- without ``--debug``: qmlib logs warnings only; papermill's and asyncio's
  loggers are silenced (a kernel killed by Ctrl-C makes asyncio log
  "Task exception was never retrieved" with a traceback, which is noise to a
  user: the run is reported as interrupted);
- ``--debug``: everything from qmlib and papermill at DEBUG on stderr;
- ``--log-file PATH``: qmlib's DEBUG records (and papermill's INFO) appended
  to ``PATH``, from the main process and from every pool worker.
"""

from __future__ import annotations

import logging
from pathlib import Path

FORMAT = "%(asctime)s %(processName)s %(name)s %(levelname)s: %(message)s"
_HANDLER_TAG = "_qm_handler"


def configure_logging(debug: bool = False, log_file: Path | str | None = None) -> None:
    """Set up this process's logging for ``qm run`` (idempotent: replaces its own handlers)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_TAG, False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = []
    if debug:
        console = logging.StreamHandler()
        console.setLevel(logging.DEBUG)
        console.setFormatter(logging.Formatter("%(processName)s %(name)s: %(message)s"))
        handlers.append(console)
    if log_file is not None:
        file_handler = logging.FileHandler(log_file, mode="a", encoding="utf-8")
        file_handler.setLevel(logging.DEBUG)
        file_handler.setFormatter(logging.Formatter(FORMAT))
        handlers.append(file_handler)
    for handler in handlers:
        setattr(handler, _HANDLER_TAG, True)
        root.addHandler(handler)
    verbose = debug or log_file is not None
    if handlers:
        root.setLevel(logging.DEBUG)
    logging.getLogger("qmlib").setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.getLogger("papermill").setLevel(
        logging.DEBUG if debug else logging.INFO if verbose else logging.ERROR
    )
    logging.getLogger("asyncio").setLevel(logging.DEBUG if debug else logging.CRITICAL)
    for noisy in ("traitlets", "nbclient", "distributed", "matplotlib", "fontTools", "PIL"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.WARNING)
