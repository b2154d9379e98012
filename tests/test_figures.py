"""Charts render in zh and en on small clean tables, with every glyph present.

Fixtures are small, realistic clean tables (dtypes of docs/ARCHITECTURE.md)
and a hand-made metrics frame; each chart is drawn (savefig) with warnings
recorded, and any "Glyph … missing from font(s)" warning fails the test.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from functools import partial

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from helpers import make_params as base_params
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from qmlib import figures as qf
from qmlib.catalog import METRICS
from qmlib.figures.style import PERIOD_COLORS, chart_title
from qmlib.labels import t
from qmlib.params import Params

CJK = re.compile(r"[\u3400-\u9fff]")

# ---------------------------------------------------------------- fixtures


#: t01 with 800 households and four roles (helpers.BASE_PARAMS otherwise).
make_params = partial(
    base_params,
    name="测试花园",
    households=800,
    staff={"客服": 4, "工程": 6, "秩序": 10, "保洁": 8},
    inspection_pass_score=80,
)


PERIOD_STARTS = {"baseline": "2025-08-01", "quality_month": "2025-09-01", "followup": "2025-10-01"}


def _times(rng: np.random.Generator, n_by_period: dict[str, int]) -> tuple[pd.Series, list[str]]:
    times, periods = [], []
    for period, n in n_by_period.items():
        start = pd.Timestamp(PERIOD_STARTS[period])
        offsets = np.sort(rng.uniform(0, 30.9 * 24 * 60, n))
        times.extend(start + pd.to_timedelta(offsets.round(), unit="min"))
        periods.extend([period] * n)
    return pd.Series(times, dtype="datetime64[ns]"), periods


def _s(values: object) -> pd.Series:
    return pd.Series(values, dtype="string")


def make_tables(seed: int = 7) -> dict[str, pd.DataFrame]:
    """Clean tables for three months with a planted quality-month improvement."""
    rng = np.random.default_rng(seed)
    better = {"baseline": 0.0, "quality_month": 1.0, "followup": 0.7}

    # work orders: arrival minutes log-normal, faster in the quality month
    at, per = _times(rng, {"baseline": 120, "quality_month": 130, "followup": 110})
    n = len(at)
    urgent = rng.random(n) < 0.18
    med = np.array([28 - 10 * better[p] for p in per]) * np.where(urgent, 0.5, 1.0)
    minutes = np.exp(np.log(med) + rng.normal(0, 0.55, n))
    arrived = at + pd.to_timedelta(minutes.round(1), unit="min")
    arrived[rng.random(n) < 0.04] = pd.NaT
    status = np.where(rng.random(n) < 0.03, "已取消", "已完成")
    cats = rng.choice(
        ["水电", "门窗", "公共照明", "管道疏通", "墙面渗漏", "电梯", "门禁", "其他"],
        n,
        p=[0.3, 0.15, 0.14, 0.12, 0.1, 0.08, 0.06, 0.05],
    )
    work_orders = pd.DataFrame(
        {
            "order_id": _s([f"WO{i:05d}" for i in range(n)]),
            "reported_at": at,
            "arrived_at": arrived.astype("datetime64[ns]"),
            "completed_at": (arrived + pd.Timedelta(hours=2)).astype("datetime64[ns]"),
            "category": _s(cats),
            "urgency": _s(np.where(urgent, "紧急", "普通")),
            "status": _s(status),
            "reworked": pd.array(rng.random(n) < 0.06, dtype="boolean"),
            "rating": pd.Series(rng.integers(3, 6, n), dtype="float64"),
        }
    )

    # complaints: fewer in the quality month
    ct, _ = _times(rng, {"baseline": 45, "quality_month": 22, "followup": 28})
    m = len(ct)
    resp_h = rng.exponential(10, m)
    complaints = pd.DataFrame(
        {
            "complaint_id": _s([f"C{i:04d}" for i in range(m)]),
            "received_at": ct,
            "responded_at": (ct + pd.to_timedelta(resp_h.round(2), unit="h")).astype("datetime64[ns]"),
            "closed_at": (ct + pd.to_timedelta(resp_h * 3, unit="h")).astype("datetime64[ns]"),
            "category": _s(
                rng.choice(
                    [
                        "噪音扰民",
                        "停车管理",
                        "环境卫生",
                        "维修质量",
                        "安保服务",
                        "物业收费",
                        "绿化养护",
                        "宠物管理",
                        "电梯运行",
                        "其他",
                    ],
                    m,
                )
            ),
            "valid": pd.array(rng.random(m) > 0.05, dtype="boolean"),
            "escalated": pd.array(np.zeros(m, dtype=bool), dtype="boolean"),
        }
    )

    # surveys
    st, sper = _times(rng, {"baseline": 60, "quality_month": 70, "followup": 60})
    k = len(st)
    overall = np.clip(np.round(rng.normal([3.5 + 0.5 * better[p] for p in sper], 0.8)), 1, 5)
    surveys = pd.DataFrame(
        {
            "response_id": _s([f"S{i:04d}" for i in range(k)]),
            "surveyed_at": st.dt.normalize(),
            "overall": overall.astype(float),
            "cleaning": np.clip(overall + rng.integers(-1, 2, k), 1, 5).astype(float),
        }
    )

    # hazards
    ht, hper = _times(rng, {"baseline": 25, "quality_month": 40, "followup": 20})
    h = len(ht)
    sev = rng.choice(["一般", "较大", "重大"], h, p=[0.7, 0.22, 0.08])
    fix_days = rng.exponential([6 - 3 * better[p] for p in hper])
    rect = ht + pd.to_timedelta(fix_days.round(2), unit="D")
    rect[rng.random(h) < 0.08] = pd.NaT
    hazards = pd.DataFrame(
        {
            "hazard_id": _s([f"H{i:03d}" for i in range(h)]),
            "found_at": ht,
            "area": _s(rng.choice(["消防", "电梯", "电气", "高空坠物"], h)),
            "severity": _s(sev),
            "rectified_at": rect.astype("datetime64[ns]"),
        }
    )

    # inspections
    rows = []
    for period, start in PERIOD_STARTS.items():
        for dim in ("保洁", "绿化", "安全秩序", "客户服务"):
            for j in range(6):
                rows.append(
                    (
                        f"I{len(rows):04d}",
                        pd.Timestamp(start) + pd.Timedelta(days=4 * j + 1),
                        dim,
                        float(np.clip(rng.normal(82 + 5 * better[period], 5), 50, 100)),
                    )
                )
    inspections = pd.DataFrame(rows, columns=["inspection_id", "inspected_on", "dimension", "score"])
    inspections["inspection_id"] = inspections["inspection_id"].astype("string")
    inspections["dimension"] = inspections["dimension"].astype("string")

    # training
    rows = []
    for period, start in PERIOD_STARTS.items():
        for role, head in {"客服": 4, "工程": 6, "秩序": 10, "保洁": 8}.items():
            trained = int(head * (0.3 + 0.6 * better[period]))
            for e in range(trained):
                rows.append(
                    (
                        f"R{len(rows):04d}",
                        f"{role}{e}",
                        role,
                        "服务礼仪",
                        pd.Timestamp(start) + pd.Timedelta(days=10),
                        2.0,
                        75.0,
                    )
                )
    training = pd.DataFrame(
        rows, columns=["record_id", "employee_id", "role", "course", "trained_on", "hours", "score"]
    )
    for col in ("record_id", "employee_id", "role", "course"):
        training[col] = training[col].astype("string")

    # assets and events
    types = ["电梯"] * 8 + ["消防"] * 20 + ["供水"] * 6 + ["供电"] * 6
    assets = pd.DataFrame({"asset_id": _s([f"A{i:03d}" for i in range(len(types))]), "type": _s(types)})
    ev = []
    for period, start in PERIOD_STARTS.items():
        for j in range(int(8 - 4 * better[period])):
            occ = pd.Timestamp(start) + pd.Timedelta(days=3 * j + 1, hours=9)
            ev.append(
                (
                    f"E{len(ev):04d}",
                    f"A{rng.integers(0, len(types)):03d}",
                    "故障",
                    pd.NaT,
                    occ,
                    occ + pd.Timedelta(hours=5),
                )
            )
        for j in range(12):
            sch = pd.Timestamp(start) + pd.Timedelta(days=2 * j)
            late = rng.random() < 0.3 - 0.2 * better[period]
            ev.append(
                (
                    f"E{len(ev):04d}",
                    f"A{j:03d}",
                    "维保",
                    sch,
                    sch + pd.Timedelta(days=6 if late else 1),
                    pd.NaT,
                )
            )
    asset_events = pd.DataFrame(
        ev, columns=["event_id", "asset_id", "kind", "scheduled_on", "occurred_at", "restored_at"]
    )
    for col in ("event_id", "asset_id", "kind"):
        asset_events[col] = asset_events[col].astype("string")
    for col in ("scheduled_on", "occurred_at", "restored_at"):
        asset_events[col] = asset_events[col].astype("datetime64[ns]")

    return {
        "surveys": surveys,
        "work_orders": work_orders,
        "complaints": complaints,
        "hazards": hazards,
        "inspections": inspections,
        "training": training,
        "assets": assets,
        "asset_events": asset_events,
    }


def make_metrics(params: Params) -> pd.DataFrame:
    """A hand-made metrics frame covering every catalog metric and some dimension variants."""
    rng = np.random.default_rng(3)
    base_values = {
        "share": 0.82,
        "ratio": 0.35,
        "points": 78.0,
        "per100hh30d": 4.2,
        "minutes": 24.0,
        "rating": 4.3,
        "per100assets30d": 12.0,
        "hours": 3.5,
        "count": 12.0,
    }
    rows = []
    ids = [
        *METRICS,
        "inspection_score.保洁",
        "inspection_score.绿化",
        "satisfaction_index.cleaning",
        "equipment_failure_rate.elevator",
        "equipment_failure_rate.fire",
    ]
    for metric_id in ids:
        m = METRICS[metric_id.split(".")[0]]
        v0 = base_values[m.unit]
        for i, period in enumerate(params.period_names):
            v = v0 * (1 + 0.05 * i * (m.better or 1)) * rng.uniform(0.97, 1.03)
            if m.unit == "share":
                v = min(v, 0.99)
            n = int(rng.integers(20, 200))
            lo = hi = np.nan
            if m.kind in ("share", "mean"):
                half = 0.06 if m.unit == "share" else 0.05 * v
                lo, hi = max(v - half, 0.0), min(v + half, 1.0) if m.unit == "share" else v + half
            rows.append(("t01", metric_id, period, v, n, lo, hi))
    return pd.DataFrame(
        rows, columns=["community_id", "metric_id", "period", "value", "n", "ci_low", "ci_high"]
    )


@pytest.fixture(scope="module")
def params() -> Params:
    return make_params()


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return make_tables()


@pytest.fixture(scope="module")
def metrics(params: Params) -> pd.DataFrame:
    return make_metrics(params)


# ---------------------------------------------------------------- helpers


def render(fig: Figure) -> list[str]:
    """Draw the figure with Agg and return the glyph warnings raised while drawing.

    matplotlib warns "Glyph NNNN (...) missing from font(s) ..." at draw time
    for every character no font in the fallback list has.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FigureCanvasAgg(fig).draw()
    return [
        str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from font" in str(w.message)
    ]


def test_render_catches_missing_glyphs():
    """The check itself works: a character outside every font is reported."""
    fig = Figure()
    fig.text(0.5, 0.5, "\U00013000")  # Egyptian hieroglyph, in no bundled font
    assert render(fig)


def texts(fig: Figure) -> list[str]:
    """Titles, axis labels and legend texts of a figure (not tick labels, which may be data)."""
    out = [x.get_text() for x in fig.texts]  # title and note
    for ax in fig.axes:
        out += [ax.get_title(loc) for loc in ("left", "center", "right")]
        out += [ax.get_xlabel(), ax.get_ylabel()]
        if ax.get_legend() is not None:
            out += [x.get_text() for x in ax.get_legend().get_texts()]
    for leg in fig.legends:
        out += [x.get_text() for x in leg.get_texts()]
    return [s for s in out if s]


def _compare(group: str) -> Callable[..., Figure | None]:
    return lambda tb, mt, p, lang: qf.period_comparison(mt, group, p, lang)


CHARTS: dict[str, Callable[..., Figure | None]] = {
    **{f"compare_{g}": _compare(g) for g in qf.GROUPS},
    "dims_inspection": lambda tb, mt, p, lang: qf.dimension_comparison(mt, "inspection_score", p, lang),
    "dims_satisfaction": lambda tb, mt, p, lang: qf.dimension_comparison(mt, "satisfaction_index", p, lang),
    "failure_by_type": lambda tb, mt, p, lang: qf.failure_by_type(mt, p, lang),
    "arrival": lambda tb, mt, p, lang: qf.arrival_distribution(tb, p, lang),
    "trends": lambda tb, mt, p, lang: qf.weekly_trends(tb, p, lang),
    "pareto_complaints": lambda tb, mt, p, lang: qf.category_pareto(tb, p, lang, "complaints"),
    "pareto_repairs": lambda tb, mt, p, lang: qf.category_pareto(tb, p, lang, "work_orders"),
    "hazard_funnel": lambda tb, mt, p, lang: qf.hazard_funnel(tb, p, lang),
    "training": lambda tb, mt, p, lang: qf.training_coverage(tb, p, lang),
    "p_chart": lambda tb, mt, p, lang: qf.p_chart_figure(tb, p, lang),
    "p_chart_complaints": lambda tb, mt, p, lang: qf.p_chart_figure(
        tb, p, lang, "complaint_response_timely_rate"
    ),
    "u_chart": lambda tb, mt, p, lang: qf.u_chart_figure(tb, p, lang),
    "imr": lambda tb, mt, p, lang: qf.imr_figure(tb, p, lang),
}


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_renders_in_language_without_missing_glyphs(name, lang, tables, metrics, params):
    fig = CHARTS[name](tables, metrics, params, lang)
    assert isinstance(fig, Figure), f"{name} returned {fig!r}"
    assert render(fig) == []
    labels = texts(fig)
    assert chart_title(fig), "no title"
    assert labels
    if lang == "en":
        offending = [s for s in labels if CJK.search(s)]
        assert offending == [], f"Chinese text in an English chart: {offending}"
    else:
        assert any(CJK.search(s) for s in labels), f"no Chinese text in a zh chart: {labels}"
    # every period has its colour and label in zh/en
    assert 300 < fig.dpi * fig.get_figwidth() < 1400


def _text_boxes(fig: Figure, renderer) -> list[tuple[str, object]]:
    """(text, window extent) of the titles, labels and tick labels of every visible axes."""
    out = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        # tick labels of ticks beyond the view limits exist but are not drawn
        ticks = [x for x in ax.get_xticklabels() if x0 - 1e-9 <= x.get_position()[0] <= x1 + 1e-9]
        ticks += [y for y in ax.get_yticklabels() if y0 - 1e-9 <= y.get_position()[1] <= y1 + 1e-9]
        for text in [*ticks, ax.xaxis.label, ax.yaxis.label, ax.title, ax._left_title]:
            if text.get_visible() and text.get_text():
                out.append((text.get_text(), text.get_window_extent(renderer)))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(CHARTS))
def test_fixed_layout_keeps_every_text_inside_and_apart(name, lang, tables, metrics, params):
    """The layout computed once from text metrics leaves room for what constrained layout did.

    No layout engine runs at save time; no tick label, axis label or title
    leaves the figure; the axes (with their labels) do not overlap each other
    (twins share a cell), nor the title band or the note.
    """
    fig = CHARTS[name](tables, metrics, params, lang)
    engine = fig.get_layout_engine()
    assert engine is None or type(engine).__name__ == "PlaceHolderLayoutEngine", engine
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    bounds = fig.bbox
    outside = [
        s
        for s, box in _text_boxes(fig, renderer)
        if box.x0 < bounds.x0 - 1
        or box.x1 > bounds.x1 + 1
        or box.y0 < bounds.y0 - 1
        or box.y1 > bounds.y1 + 1
    ]
    assert outside == [], f"text outside the figure: {outside}"
    cells: dict[object, object] = {}
    for ax in fig.axes:
        if ax.get_visible():
            box = ax.get_tightbbox(renderer)
            spec = ax.get_subplotspec()
            key = (spec.rowspan, spec.colspan)
            cells[key] = box if key not in cells else type(box).union([cells[key], box])
    boxes = list(cells.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_w = min(a.x1, b.x1) - max(a.x0, b.x0)
            overlap_h = min(a.y1, b.y1) - max(a.y0, b.y0)
            assert overlap_w <= 1 or overlap_h <= 1, f"axes overlap: {a} / {b}"
    for text in fig.texts:  # title and note bands
        band = text.get_window_extent(renderer)
        for box in boxes:
            overlap_w = min(band.x1, box.x1) - max(band.x0, box.x0)
            overlap_h = min(band.y1, box.y1) - max(band.y0, box.y0)
            assert overlap_w <= 1 or overlap_h <= 1, f"{text.get_text()!r} overlaps an axes"


@pytest.mark.parametrize("name", list(CHARTS))
def test_placements_fixed_by_fit_axes_change_no_pixel(name, tables, metrics, params):
    """fit_axes turns off matplotlib's draw-time placement of titles and of empty axis labels.

    Drawing again with that placement back on gives exactly the same pixels.
    """
    import io

    from PIL import Image, ImageChops

    fig = CHARTS[name](tables, metrics, params, "zh" if len(name) % 2 else "en")
    for ax in fig.axes:
        titled = any(title.get_text() for title in (ax.title, ax._left_title, ax._right_title))
        assert ax._autotitlepos is (not (titled and ax.get_visible())), ax
        for axis in (ax.xaxis, ax.yaxis):
            assert axis._autolabelpos is bool(axis.label.get_text())
    fixed = Image.open(io.BytesIO(qf.to_png(fig, quantize=False))).convert("RGB")
    for ax in fig.axes:
        ax._autotitlepos = True
        ax.xaxis._autolabelpos = ax.yaxis._autolabelpos = True
    auto = Image.open(io.BytesIO(qf.to_png(fig, quantize=False))).convert("RGB")
    assert ImageChops.difference(fixed, auto).getbbox() is None


def test_arrival_panels_have_no_minor_ticks_and_one_y_label(tables, params):
    fig = qf.arrival_distribution(tables, params, "en")
    axes = fig.axes
    assert len(axes) == 2
    assert [len(ax.xaxis.get_minorticklocs()) for ax in axes] == [0, 0]
    assert [ax.yaxis.label.get_visible() for ax in axes] == [True, False]
    assert [ax.xaxis.label.get_visible() for ax in axes] == [True, True]
    assert axes[0].get_ylabel() == t("fig.arrival.ylabel", "en")


def test_title_placement_kept_where_something_reaches_above_the_axes():
    from qmlib.figures.layout import fit_axes

    fig, axes = qf.style.new_figure(3.0, 1, 3)
    for ax in axes.flat:
        ax.set_title("t")
    axes[0, 0].tick_params(labeltop=True)
    axes[0, 1].xaxis.set_label_position("top")
    axes[0, 1].set_xlabel("top label")
    fit_axes(fig)
    assert [ax._autotitlepos for ax in axes.flat] == [True, True, False]


def test_notebook_figures_can_be_turned_off(tables, params, monkeypatch):
    shown = []
    monkeypatch.setattr(qf.style, "show_png", lambda png: shown.append(png))
    fig = qf.training_coverage(tables, params, "zh")
    monkeypatch.setenv(qf.NOTEBOOK_FIGURES_ENV, "0")
    assert not qf.notebook_figures()
    qf.show(fig)
    assert shown == []
    monkeypatch.setenv(qf.NOTEBOOK_FIGURES_ENV, "1")
    qf.show(fig)
    assert len(shown) == 1 and shown[0][:8] == b"\x89PNG\r\n\x1a\n"
    monkeypatch.delenv(qf.NOTEBOOK_FIGURES_ENV)
    assert qf.notebook_figures()


def test_to_png_pixels_match_savefig(tables, params):
    """Rendering from the Agg buffer gives the pixels savefig gives (same figure, same DPI)."""
    import io

    from PIL import Image, ImageChops

    fig = qf.training_coverage(tables, params, "zh")
    direct = Image.open(io.BytesIO(qf.to_png(fig, quantize=False))).convert("RGB")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=qf.DPI, facecolor="white")
    saved = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    assert direct.size == saved.size
    assert ImageChops.difference(direct, saved).getbbox() is None


@pytest.mark.parametrize("name", ["trends", "compare_repairs", "arrival"])
def test_palette_png_stays_close_to_the_rgb_render(name, tables, metrics, params):
    """The palette PNG of a report chart against its RGB render: chart colours exact, blends close.

    Measured on every report chart of demo01, demo03 and demo06 of the benchmark data:
    max channel error 6-10 (Pillow's median cut, used before: 14-58), 1-3% of the
    pixels not exact (median cut: the same).
    """
    import io

    from PIL import Image

    fig = CHARTS[name](tables, metrics, params, "zh")
    rgb = np.asarray(Image.open(io.BytesIO(qf.to_png(fig, quantize=False))).convert("RGB")).astype(int)
    pal = Image.open(io.BytesIO(qf.to_png(fig)))
    assert pal.mode == "P"
    out = np.asarray(pal.convert("RGB")).astype(int)
    assert out.shape == rgb.shape
    error = np.abs(out - rgb).max(axis=2)
    assert error.max() <= 12
    assert (error > 0).mean() <= 0.04
    # the most frequent colours (background, shadings, bars) are exact
    colours, counts = np.unique(rgb.reshape(-1, 3), axis=0, return_counts=True)
    for colour in colours[np.argsort(-counts)[:20]]:
        mask = (rgb == colour).all(axis=2)
        assert (error[mask] == 0).all(), colour


def test_period_comparison_bars_values_and_ci(metrics, params):
    fig = qf.period_comparison(metrics, "repairs", params, "en")
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert "Repair on-time arrival rate" in titles
    ax = fig.axes[titles.index("Repair on-time arrival rate")]
    bars = [p for p in ax.patches]
    assert len(bars) == 3
    colours = [matplotlib.colors.to_hex(b.get_facecolor()) for b in bars]
    assert colours == [PERIOD_COLORS[p].lower() for p in params.period_names]
    rows = metrics[metrics["metric_id"] == "repair_timely_rate"].set_index("period")
    heights = [b.get_height() for b in bars]
    assert heights == pytest.approx([rows.loc[p, "value"] * 100 for p in params.period_names])
    notes = [x.get_text() for x in ax.texts]
    assert any(f"n={int(rows.loc['baseline', 'n'])}" in s for s in notes)
    assert any(s.startswith(f"{rows.loc['baseline', 'value'] * 100:.1f}%") for s in notes)


def test_period_comparison_draws_one_bar_and_one_errorbar_artist_per_panel(metrics, params):
    """The bars and whiskers of a panel are one BarContainer and one ErrorbarContainer (values per period)."""
    fig = qf.period_comparison(metrics, "repairs", params, "en")
    ax = next(a for a in fig.axes if a.get_title() == "Repair on-time arrival rate")
    kinds = [type(c).__name__ for c in ax.containers]
    assert kinds == ["BarContainer", "ErrorbarContainer"]
    rows = metrics[metrics["metric_id"] == "repair_timely_rate"].set_index("period").loc[params.period_names]
    whiskers = ax.containers[1].lines[2][0].get_segments()
    assert [seg[0][0] for seg in whiskers] == [0.0, 1.0, 2.0]
    assert [seg[0][1] for seg in whiskers] == pytest.approx(list(rows["ci_low"] * 100))
    assert [seg[1][1] for seg in whiskers] == pytest.approx(list(rows["ci_high"] * 100))


def test_dimension_comparison_one_dot_line_per_period(metrics, params):
    fig = qf.dimension_comparison(metrics, "inspection_score", params, "en")
    ax = fig.axes[0]
    dots = [line for line in ax.lines if line.get_marker() == "o" and len(line.get_xdata())]
    assert len(dots) == len(params.period_names)
    dims = [label.get_text() for label in ax.get_yticklabels()]
    assert len(dims) == 2
    for line, period in zip(dots, params.period_names, strict=True):
        assert matplotlib.colors.to_hex(line.get_color()) == PERIOD_COLORS[period].lower()
        values = metrics[
            (metrics["period"] == period) & metrics["metric_id"].str.startswith("inspection_score.")
        ]
        assert sorted(line.get_xdata()) == pytest.approx(sorted(values["value"]))
    assert len(ax.collections) == len(params.period_names)  # one set of CI whiskers per period


def test_significance_marker_from_changes(metrics, params):
    changes = pd.DataFrame(
        {
            "metric_id": ["satisfaction_index"],
            "period": ["quality_month"],
            "significant": pd.array([True], dtype="boolean"),
        }
    )
    fig = qf.period_comparison(metrics, "satisfaction", params, "zh", changes=changes)
    ax = next(a for a in fig.axes if a.get_title() == t("metric.satisfaction_index", "zh"))
    starred = [x.get_text() for x in ax.texts if "*" in x.get_text()]
    assert len(starred) == 1


def test_missing_data_returns_none(params):
    empty_metrics = pd.DataFrame(
        columns=["community_id", "metric_id", "period", "value", "n", "ci_low", "ci_high"]
    )
    assert qf.period_comparison(empty_metrics, "repairs", params, "zh") is None
    assert qf.period_comparison(None, "repairs", params, "zh") is None
    assert qf.dimension_comparison(empty_metrics, "inspection_score", params) is None
    assert qf.failure_by_type(empty_metrics, params) is None
    for fn in (
        qf.arrival_distribution,
        qf.weekly_trends,
        qf.category_pareto,
        qf.hazard_funnel,
        qf.training_coverage,
        qf.p_chart_figure,
        qf.u_chart_figure,
        qf.imr_figure,
    ):
        assert fn({}, params) is None, fn.__name__


def test_empty_tables_return_none(tables, params):
    empty = {name: df.iloc[0:0] for name, df in tables.items()}
    for fn in (
        qf.arrival_distribution,
        qf.category_pareto,
        qf.hazard_funnel,
        qf.p_chart_figure,
        qf.imr_figure,
    ):
        assert fn(empty, params) is None, fn.__name__


def test_training_coverage_table(tables, params):
    tab = qf.training_coverage_table(tables, params).set_index(["role", "period"])
    # 秩序: headcount 10; fixture trains int(10 * 0.3) = 3 in the baseline, int(10 * 0.9) = 9 in the quality month
    assert tab.loc[("秩序", "baseline"), "trained"] == 3
    assert tab.loc[("秩序", "quality_month"), "coverage"] == pytest.approx(0.9)


def test_pareto_table_pools_the_tail():
    cats = pd.Series(list("aaaaabbbccd") + list("efghijk"), dtype="string")
    tab = qf.pareto_table(cats, top=3, other="other")
    assert list(tab["category"]) == ["a", "b", "c", "other"]
    assert list(tab["count"]) == [5, 3, 2, 8]
    assert tab["cumulative"].iloc[-1] == pytest.approx(1.0)


def test_hazard_funnel_counts(tables, params):
    tab = qf.hazard_funnel_table(tables, params)
    assert (tab["found"] >= tab["rectified"]).all()
    assert (tab["rectified"] >= tab["on_time"]).all()
    assert tab["found"].sum() == len(tables["hazards"])


def test_target_table_labels(params):
    targets = pd.DataFrame(
        {
            "community_id": ["t01", "t01", "t01"],
            "metric_id": ["satisfaction_index", "repair_timely_rate", "equipment_failure_rate"],
            "kind": ["delta", "at_least", "relative_change"],
            "period": ["followup", "quality_month", "followup"],
            "target": [2.0, 0.9, -0.1],
            "baseline_value": [70.0, 0.8, 12.0],
            "actual_value": [74.5, 0.85, 11.5],
            "change": [4.5, np.nan, -0.0417],
            "achieved": pd.array([True, False, pd.NA], dtype="boolean"),
        }
    )
    zh = qf.target_table(targets, "zh")
    assert list(zh.iloc[:, 0]) == ["满意度指数", "报修及时到场率", "设备故障率（每百台·30天）"]
    assert list(zh.iloc[:, -1]) == ["已达成", "未达成", "无法判断"]
    en = qf.target_table(targets, "en")
    assert not any(CJK.search(str(v)) for v in en.to_numpy().ravel())
    assert not any(CJK.search(c) for c in en.columns)
    assert en.iloc[1][t("fig.target.target", "en")] == "90.0%"
    assert en.iloc[2][t("fig.target.target", "en")] == "-10.0%"
    html = qf.style_targets(zh, "zh").to_html()
    assert "已达成" in html and "satisfaction_index" not in html


def test_png_is_small(tables, params):
    fig = qf.training_coverage(tables, params, "zh")
    png = qf.to_png(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) < 200_000


def test_setup_fonts_idempotent():
    import matplotlib as mpl

    name = qf.setup_fonts()
    assert name == "Noto Sans CJK SC"
    assert mpl.rcParams["font.sans-serif"][0] == name
    assert mpl.rcParams["axes.unicode_minus"] is False
    rc_before = dict(mpl.rcParams)
    assert qf.setup_fonts() == name
    assert dict(mpl.rcParams) == rc_before
