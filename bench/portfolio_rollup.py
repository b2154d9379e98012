"""Portfolio build at company scale: 1,000 or 3,000 communities (goal: under 30 s at 1,000).

Replicates the outputs of the communities of a finished batch (default: the
16 synthetic communities of ``/work/baseline/bench16``, see ``--seed``) under
``--communities`` new ids — every file the board reads
(:data:`qmlib.portfolio.build.COMMUNITY_FILES`, the community id replaced in
the CSVs, Parquet and report.html hard-linked) and a params file per id —
then times :func:`qmlib.portfolio.build_portfolio` as ``qm run`` calls it
after a batch: the roll-up (DuckDB over the CSVs and Parquet), the board, the
notebook (in this process), report.html and board.xlsx, and the PDF, each
part timed on its own (wall and CPU seconds of this process).

The first line printed is ``roll-up of N communities: X s (...)``, X the
whole portfolio build (``bench/batch.py --portfolio 1000,3000`` reads it);
``--no-pdf`` times the PDF apart, after the build, instead of inside it.

    python bench/portfolio_rollup.py [--communities 1000] [--seed DIR --params DIR] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = Path("/work/baseline/bench16")
SEED_PARAMS = Path("/work/benchdata/params")


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def replicate(seed: Path, seed_params: Path, out: Path, params: Path, count: int) -> list[str]:
    """Write ``count`` communities ``c0000…`` under ``out``/``params`` from the seed batch's outputs."""
    from qmlib.portfolio.build import COMMUNITY_FILES

    seeds = sorted(
        p.parent.name for p in seed.glob("*/metrics.csv") if (seed_params / f"{p.parent.name}.yaml").is_file()
    )
    if not seeds:
        raise SystemExit(f"no community outputs with params in {seed} / {seed_params}")
    local = out.parent / "seed"  # a local copy to hard-link from
    for src in seeds:
        for name in COMMUNITY_FILES:
            path = seed / src / name
            if path.is_file() and not name.endswith(".csv"):
                (local / src / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, local / src / name)
    texts = {
        (src, name): (seed / src / name).read_text(encoding="utf-8-sig")
        for src in seeds
        for name in COMMUNITY_FILES
        if name.endswith(".csv") and (seed / src / name).is_file()
    }
    params.mkdir(parents=True, exist_ok=True)
    ids = []
    for i in range(count):
        src = seeds[i % len(seeds)]
        cid = f"c{i:04d}"
        ids.append(cid)
        pattern = re.compile(rf"\b{re.escape(src)}\b")
        for name in COMMUNITY_FILES:
            target = out / cid / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if name.endswith(".csv"):
                if (src, name) in texts:
                    target.write_text("\ufeff" + pattern.sub(cid, texts[(src, name)]), encoding="utf-8")
            elif (local / src / name).is_file():
                _link_or_copy(local / src / name, target)
        text = (seed_params / f"{src}.yaml").read_text(encoding="utf-8")
        (params / f"{cid}.yaml").write_text(pattern.sub(cid, text), encoding="utf-8")
    return ids


class Timer:
    """Wall and CPU seconds of named parts (CPU: this process, threads included)."""

    def __init__(self) -> None:
        self.parts: dict[str, tuple[float, float]] = {}

    @contextlib.contextmanager
    def part(self, name: str) -> Iterator[None]:
        w, c = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            dw, dc = time.perf_counter() - w, time.process_time() - c
            pw, pc = self.parts.get(name, (0.0, 0.0))
            self.parts[name] = (pw + dw, pc + dc)

    def wrap(self, module: object, attr: str, name: str) -> None:
        real = getattr(module, attr)

        def timed(*args: object, **kwargs: object) -> object:
            with self.part(name):
                return real(*args, **kwargs)

        setattr(module, attr, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--seed", type=Path, default=SEED, help="outputs folder of a finished batch")
    parser.add_argument("--params", type=Path, default=SEED_PARAMS, help="its params folder")
    parser.add_argument("--no-pdf", action="store_true", help="time the PDF apart, not in the build")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (printed)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="qm-portfolio-"))
    out, params = root / "outputs", root / "params"
    try:
        t0 = time.perf_counter()
        replicate(args.seed, args.params, out, params, args.communities)
        setup = time.perf_counter() - t0

        timer = Timer()
        with timer.part("imports"):
            import qmlib.portfolio.assemble as assemble
            import qmlib.portfolio.build as build
            import qmlib.portfolio.export as export
            import qmlib.report as report
            from qmlib.portfolio import build_portfolio

            build.prepare()
        timer.wrap(assemble, "build_rollup", "roll-up (build_rollup)")
        timer.wrap(assemble, "build_board", "board (build_board, incl. roll-up)")
        timer.wrap(export, "write_xlsx", "board.xlsx")
        timer.wrap(report, "render_report", "report.html (nbconvert)")
        pdf_path = root / "report.pdf"
        real_pdf = export.write_pdf
        if args.no_pdf:
            export.write_pdf = lambda html, pdf: None  # type: ignore[assignment]
        else:
            timer.wrap(export, "write_pdf", "report.pdf (WeasyPrint)")
        with timer.part("whole build"):
            build_portfolio(out, params, force=True)
        if args.no_pdf:
            with timer.part("report.pdf (WeasyPrint)"):
                real_pdf(out / "portfolio" / "report.html", pdf_path)
        whole, whole_cpu = timer.parts["whole build"]
        goal = (
            f"; goal < 30 s at 1,000: {'met' if whole < 30 else 'NOT met'}"
            if args.communities == 1000
            else ""
        )
        import pyarrow.parquet as pq

        rows = pq.read_metadata(out / "portfolio" / "metrics.parquet").num_rows
        print(
            f"roll-up of {args.communities:,} communities: {whole:.2f} s "
            f"({whole_cpu:.2f} CPU s; whole portfolio build{' without the PDF' if args.no_pdf else ''}, "
            f"{rows:,} metric rows{goal})"
        )
        for name, (w, c) in timer.parts.items():
            if name != "whole build":
                print(f"  {name:<36} {w:8.2f} s {c:8.2f} CPU s")
        html = out / "portfolio" / "report.html"
        print(
            f"  (outputs made in {setup:.1f} s; report.html {html.stat().st_size / 1e6:.1f} MB, "
            f"board.xlsx {(out / 'portfolio' / 'board.xlsx').stat().st_size / 1e6:.1f} MB)"
        )
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
