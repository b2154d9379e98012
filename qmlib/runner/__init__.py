"""``qm run``: papermill execution, warm-kernel engine, batch, resumability, Dask.

Modules: ``communities`` (ids, discovery, notebooks), ``engine`` (the
``qm_warm`` papermill engine), ``execute`` (one community), ``batch`` (pool,
progress, run.json, index), ``fingerprint``, ``staging`` (atomic swap),
``lock``, ``render`` (report.html), ``record`` (run.json), ``index``
(index.html), ``distributed`` (Dask), ``logs`` (logging set-up for
``--debug`` and ``--log-file``).
"""

# papermill must be imported before qmlib.runner.engine: importing papermill
# loads the ``qm_warm`` entry point (this package's engine module), and the
# engine module subclasses papermill's Engine. Importing papermill here first
# makes either import order work.
import sys

# jsonschema (imported with papermill through nbformat) builds the RFC 3987 grammar of
# rfc3987-syntax at import, ~3 s, for its "iri" format checker; nbformat's schemas use no
# format, so the runner does without it, as the warm kernel does (engine.PRELUDE).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None in sys.modules blocks the import

import papermill  # noqa: E402, F401
