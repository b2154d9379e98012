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
import papermill  # noqa: F401
