"""CPU profile of one community through :func:`qmlib.pipeline.run_inprocess`.

    python bench/profile_community.py [ID] [--data-dir data] [--params-dir params]
                                      [--top 30] [--sort cumulative|tottime] [--warm]

Runs the four stages of one community in this process under cProfile and
prints the top entries (by cumulative time by default). ``--warm`` runs the
community once before profiling, so imports, font registration and other
once-per-worker costs are left out (what a warm worker pays per community).
A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("community", nargs="?", default="demo01")
    parser.add_argument("--data-dir", default=str(REPO / "data"))
    parser.add_argument("--params-dir", default=str(REPO / "params"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    parser.add_argument("--warm", action="store_true", help="run once before profiling")
    parser.add_argument("--dump", help="also write the raw profile to this file")
    args = parser.parse_args()

    t0 = time.perf_counter()
    from qmlib.pipeline import run_inprocess

    print(f"import qmlib.pipeline: {time.perf_counter() - t0:.2f} s")
    out = Path(tempfile.mkdtemp(prefix="qm-profile-"))
    try:
        if args.warm:
            t0 = time.perf_counter()
            run_inprocess(args.community, args.data_dir, args.params_dir, out / "warm")
            print(f"warm-up run: {time.perf_counter() - t0:.2f} s")
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        run_inprocess(args.community, args.data_dir, args.params_dir, out / "profiled")
        prof.disable()
        print(f"profiled run of {args.community}: {time.perf_counter() - t0:.2f} s (wall, with profiler)")
        if args.dump:
            prof.dump_stats(args.dump)
        text = io.StringIO()
        pstats.Stats(prof, stream=text).strip_dirs().sort_stats(args.sort).print_stats(args.top)
        print(text.getvalue())
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
