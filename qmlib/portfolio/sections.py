"""HTML sections of the company action board, built with the report's safe markup helpers.

Every section takes the :class:`~qmlib.portfolio.assemble.Board` and the
report language; codes (metric ids, kinds, statuses) become labels, data text
(community names, hazard areas) is masked and escaped, and every community
links to its own report (``../<id>/report.html#<section>``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from markupsafe import Markup

from ..catalog import metric_def
from ..labels import metric_label, t
from ..report.fmt import fmt_date, fmt_value
from ..report.markup import Chart, esc, figure_html, html_table, join, para, resident_text, section, tag
from ..schema import ENGLISH
from .assemble import Board
from .figures import MIN_FOR_BOXPLOT, funnel_figure, kpi_distribution
from .funnel import HEADLINE_KPIS

PERIODS = ("baseline", "quality_month", "followup")
#: Which section of a community report a board cell opens.
KPI_ANCHOR = {"target": "sec-targets", "benchmark": "sec-results"}

BOARD_CSS = """
.qm-rag{display:block;padding:4px 6px;border-radius:4px;text-decoration:none;color:#1f2933;white-space:nowrap;
font-variant-numeric:tabular-nums;text-align:right}
.qm-rag--green{background:#dff3e6}.qm-rag--amber{background:#fdf0c4}.qm-rag--red{background:#f9d7d3}
.qm-rag--unknown{background:repeating-linear-gradient(45deg,#f1f3f5,#f1f3f5 4px,#e4e7eb 4px,#e4e7eb 8px);color:#52606d}
.qm-mark{font-size:.8em;margin-left:2px}.qm-mark--improved{color:#0b7a3e}.qm-mark--worsened{color:#b42318}
.qm-sortable th button{all:unset;cursor:pointer;display:inline-block}
.qm-sortable th button::after{content:" \\2195";color:#9aa5b1;font-size:.85em}
.qm-sortable th[aria-sort=ascending] button::after{content:" \\2191";color:#1f2933}
.qm-sortable th[aria-sort=descending] button::after{content:" \\2193";color:#1f2933}
.qm-legend{display:flex;flex-wrap:wrap;gap:6px 12px;margin:6px 0 10px;font-size:.9em}
.qm-legend .qm-rag{display:inline-block}
.qm-funnels{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,420px),1fr));gap:8px}
.qm-funnels figure{margin:0}.qm-funnels img{max-width:100%;height:auto}
.qm-links a{white-space:nowrap}
.qm-cover .qm-links a{color:#fff;text-decoration:underline}
table.qm-board thead th{white-space:normal;min-width:4.5em;vertical-align:bottom}
.qm-board td:first-child{white-space:nowrap}
@media print{.qm-sortable th button::after{content:""}}
"""

#: A dependency-free sorter for tables with class ``qm-sortable``: it turns each header into a
#: button (so print and PDF, which run no script, show plain wrapping headers) that sorts by the
#: cells' ``data-v`` (numbers) or text; again reverses. Unknown values sort last.
SORTER_JS = """
(function(){
  function key(td){var v=td.getAttribute('data-v');if(v!==null&&v!==''){var x=parseFloat(v);if(!isNaN(x))return x;}
    return null;}
  document.querySelectorAll('table.qm-sortable').forEach(function(table){
    table.querySelectorAll('thead th').forEach(function(th,col){
      var b=document.createElement('button');b.type='button';b.title=table.getAttribute('data-sort-hint')||'';
      while(th.firstChild)b.appendChild(th.firstChild);th.appendChild(b);
      b.addEventListener('click',function(){
        var asc=th.getAttribute('aria-sort')!=='ascending';
        table.querySelectorAll('thead th').forEach(function(h){h.removeAttribute('aria-sort');});
        th.setAttribute('aria-sort',asc?'ascending':'descending');
        var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){
          var ta=a.cells[col],tb=b.cells[col];var ka=key(ta),kb=key(tb);
          if(ka===null&&kb===null){var sa=ta.textContent.trim(),sb=tb.textContent.trim();
            return asc?sa.localeCompare(sb):sb.localeCompare(sa);}
          if(ka===null)return 1;if(kb===null)return -1;return asc?ka-kb:kb-ka;});
        rows.forEach(function(r){body.appendChild(r);});
      });
    });
  });
})();
"""


def style_block() -> Markup:
    """The board's extra CSS (RAG cells, sortable headers, funnel grid)."""
    return Markup("<style>{}</style>").format(Markup(BOARD_CSS))


def sorter_script() -> Markup:
    """The inline table sorter (progressive enhancement: tables stay readable without it)."""
    return Markup("<script>{}</script>").format(Markup(SORTER_JS))


def _name(b: Board, cid: str) -> Markup:
    return resident_text(b.names.get(cid, cid))


def community_link(b: Board, cid: str, anchor: str = "", text: object = None) -> Markup:
    """The community's name linked to its report (plain text when it has no report)."""
    label = _name(b, cid) if text is None else esc(text)
    if not b.has_report(cid):
        return label
    href = f"../{cid}/report.html" + (f"#{anchor}" if anchor else "")
    return tag("a", label, href=href)


def _enum(kind: str, value: object, lang: str) -> str:
    text = "" if pd.isna(value) else str(value)
    return ENGLISH.get(kind, {}).get(text, text) if lang == "en" else text


def cover(b: Board, lang: str = "zh", generated_on: dt.date | None = None) -> Markup:
    """Title block (communities pooled, quality month, date), the scope note and the board's CSS."""
    meta = [
        (t("portfolio.communities", lang), f"{len(b.ids):,}"),
        (t("portfolio.month", lang), b.month or "—"),
        (t("report.meta.generated", lang), (generated_on or dt.date.today()).isoformat()),
    ]
    items = join(tag("div", tag("dt", k) + tag("dd", v)) for k, v in meta)
    links = tag(
        "p",
        join(
            [
                tag("a", t("portfolio.pdf", lang), href="report.pdf"),
                tag("a", t("portfolio.xlsx", lang), href="board.xlsx"),
            ],
            Markup(" · "),
        ),
        class_="qm-links",
    )
    header = tag(
        "header",
        tag("h1", t("portfolio.title", lang), class_="qm-title") + tag("dl", items, class_="qm-meta") + links,
        class_="qm-cover",
    )
    return style_block() + header + scope_note(b, lang)


def scope_note(b: Board, lang: str = "zh") -> Markup:
    """Which communities are pooled, and which were left out and why (issue: pool exactly the right ones)."""
    sel = b.rollup.selection
    if sel is None or sel.empty:
        return Markup("")
    pooled = sel[sel["pooled"]]
    if (pooled["reason"] == "found").all():
        text = t("portfolio.scope.found", lang).format(n=len(pooled))
    else:
        text = t("portfolio.scope.pooled", lang).format(n=len(pooled))
    out = para(text, "qm-note")
    left = sel[~sel["pooled"]]
    if not left.empty:
        parts = []
        for reason, grp in left.groupby("reason", sort=True):
            ids = join((esc(c) for c in grp["community_id"]), Markup(", "))
            parts.append(Markup("{} ({})").format(t(f"portfolio.reason.{reason}", lang), ids))
        out += para(
            Markup("{}{}").format(t("portfolio.scope.left_out", lang), join(parts, Markup("; "))), "qm-note"
        )
    return out


def act_now_section(b: Board, lang: str = "zh") -> Markup:
    """Every overdue major/critical hazard and every serious incident, one row each, linked."""
    hz = b.hazards
    parts: list[Markup] = [tag("h3", t("portfolio.act.hazards", lang), class_="qm-h3")]
    if hz.empty:
        parts.append(para(t("portfolio.act.none_hazards", lang), "qm-note"))
    else:
        parts.append(
            para(t("portfolio.act.hazards_intro", lang).format(n=len(hz), c=hz["community_id"].nunique()))
        )
        header = [
            t("portfolio.community", lang),
            t("portfolio.col.hazard_id", lang),
            t("portfolio.col.area", lang),
            t("portfolio.col.severity", lang),
            t("portfolio.col.found", lang),
            t("portfolio.col.due", lang),
            t("portfolio.col.days_over", lang),
        ]
        rows = [
            [
                community_link(b, r.community_id, "sec-shortcomings"),
                resident_text(r.hazard_id),
                resident_text(r.area),
                _enum("hazard_severity", r.severity, lang),
                fmt_date(r.found_at),
                fmt_date(r.due),
                f"{int(r.days_over):,}",
            ]
            for r in hz.itertuples()
        ]
        parts.append(html_table(header, rows, numeric=(6,), nowrap=(1, 3, 4, 5), class_="qm-act"))
    inc = b.incidents
    parts.append(tag("h3", t("portfolio.act.incidents", lang), class_="qm-h3"))
    if inc.empty:
        parts.append(para(t("portfolio.act.none_incidents", lang), "qm-note"))
    else:
        parts.append(
            para(t("portfolio.act.incidents_intro", lang).format(n=len(inc), c=inc["community_id"].nunique()))
        )
        header = [
            t("portfolio.community", lang),
            t("portfolio.col.incident_id", lang),
            t("portfolio.col.type", lang),
            t("portfolio.col.severity", lang),
            t("portfolio.col.date", lang),
            t("portfolio.col.injuries", lang),
        ]
        rows = [
            [
                community_link(b, r.community_id, "sec-shortcomings"),
                resident_text(r.incident_id),
                resident_text(r.type),
                _enum("incident_severity", r.severity, lang),
                fmt_date(r.occurred_at),
                "—" if pd.isna(r.injuries) else f"{int(r.injuries):,}",
            ]
            for r in inc.itertuples()
        ]
        parts.append(html_table(header, rows, numeric=(5,), nowrap=(1, 3, 4)))
    return section("act-now", t("portfolio.act", lang), join(parts))


def _cell(b: Board, r: pd.Series, lang: str) -> Markup:
    value = r["value"]
    shown = fmt_value(r["metric_id"], value) if pd.notna(value) else t("portfolio.no_data", lang)
    mark = Markup("")
    if r["trend"]:
        symbol = "▲" if r["trend"] == "improved" else "▼"
        mark = tag(
            "span",
            symbol,
            class_=f"qm-mark qm-mark--{r['trend']}",
            title=t(f"portfolio.trend.{r['trend']}", lang),
        )
    status = t(f"portfolio.rag.{r['rag']}", lang)
    if r["trend"]:
        status += ", " + t(f"portfolio.trend.{r['trend']}", lang)
    title = t("portfolio.cell_title", lang).format(
        metric=metric_label(r["metric_id"], lang),
        value=shown,
        n="—" if pd.isna(r["n"]) else f"{int(r['n']):,}",
        basis=t(f"portfolio.basis.{r['basis']}", lang),
        status=status,
    )
    content = esc(shown) + mark
    css = f"qm-rag qm-rag--{r['rag']}"
    if b.has_report(r["community_id"]):
        href = f"../{r['community_id']}/report.html#{KPI_ANCHOR[r['basis']]}"
        return tag("a", content, href=href, class_=css, title=title)
    return tag("span", content, class_=css, title=title)


def kpi_board_section(b: Board, lang: str = "zh") -> Markup:
    """Communities × headline KPIs, RAG cells, sortable (worst first: most red cells)."""
    k = b.kpis
    if k.empty:
        return section("kpi-board", t("portfolio.board", lang), para(t("ui.missing", lang)))
    kpis = [m for m in HEADLINE_KPIS if m in set(k["metric_id"])]
    reds = k[k["rag"] == "red"].groupby("community_id").size()
    order = sorted(b.ids, key=lambda c: (-int(reds.get(c, 0)), c))
    cells = {(r["community_id"], r["metric_id"]): r for _, r in k.iterrows()}

    def th(label: str) -> Markup:
        return tag("th", label, scope="col")

    head = (
        th(t("portfolio.community", lang))
        + join(th(metric_label(m, lang)) for m in kpis)
        + th(t("portfolio.reds", lang))
    )
    body = []
    for cid in order:
        tds = [tag("td", community_link(b, cid), **{"data-v": None})]
        for m in kpis:
            r = cells[(cid, m)]
            v = r["value"]
            # sort key in the KPI's better direction is not imposed: the raw value sorts
            tds.append(
                tag("td", _cell(b, r, lang), class_="num", **{"data-v": "" if pd.isna(v) else repr(float(v))})
            )
        n_red = int(reds.get(cid, 0))
        tds.append(tag("td", f"{n_red}", class_="num", **{"data-v": str(n_red)}))
        body.append(tag("tr", join(tds)))
    table = tag(
        "table",
        tag("thead", tag("tr", head)) + tag("tbody", join(body)),
        class_="qm-table qm-sortable qm-board",
        id="kpi-board-table",
        **{"data-sort-hint": t("portfolio.sort_hint", lang)},
    )
    legend = tag(
        "div",
        join(
            tag("span", t(f"portfolio.rag.{x}", lang), class_=f"qm-rag qm-rag--{x}")
            for x in ("green", "amber", "red", "unknown")
        )
        + tag("span", "▲ " + t("portfolio.trend.improved", lang), class_="qm-mark--improved")
        + tag("span", "▼ " + t("portfolio.trend.worsened", lang), class_="qm-mark--worsened"),
        class_="qm-legend",
    )
    content = para(t("portfolio.board.intro", lang)) + legend + tag("div", table, class_="qm-table-wrap")
    return section("kpi-board", t("portfolio.board", lang), content)


def _model_text(f, lang: str) -> str:
    text = t(f"portfolio.funnel.model.{f.model}", lang)
    return text.format(sd=f"{f.sigma:.2f}") if f.model == "normal" else text


def funnel_section(b: Board, lang: str = "zh") -> Markup:
    """Funnel plots of the headline KPIs and the communities outside the 99.8 % limits."""
    if not b.funnels:
        return section("funnels", t("portfolio.funnel", lang), para(t("ui.missing", lang)))
    figs = []
    rows = []
    for m, f in b.funnels.items():
        caption = t("portfolio.funnel.caption", lang).format(
            metric=metric_label(m, lang),
            k=len(f.points),
            value=fmt_value(m, f.theta0),
            model=_model_text(f, lang),
        )
        figs.append(figure_html(Chart(caption, funnel_figure(f, b.names, lang))))
        out = f.points[f.points["status"].isin(("worse", "better"))]
        better = metric_def(m).better
        out = out.assign(
            _w=out["status"].eq("worse").map({True: 0, False: 1}), _v=out["value"] * (better or 1)
        ).sort_values(["_w", "_v"])
        for r in out.itertuples():
            rows.append(
                [
                    metric_label(m, lang),
                    community_link(b, r.community_id, "sec-results"),
                    fmt_value(m, r.value),
                    f"{int(r.n):,}",
                    f"{fmt_value(m, r.lo998)} – {fmt_value(m, r.hi998)}",
                    t(f"portfolio.funnel.{r.status}", lang),
                ]
            )
    parts = [
        para(t("portfolio.funnel.intro", lang)),
        tag("div", join(figs), class_="qm-funnels"),
        tag("h3", t("portfolio.funnel.outside", lang), class_="qm-h3"),
    ]
    if rows:
        header = [
            t("ui.metric", lang),
            t("portfolio.community", lang),
            t("portfolio.col.value", lang),
            "n",
            t("portfolio.col.limits998", lang),
            t("portfolio.col.status", lang),
        ]
        parts.append(html_table(header, rows, numeric=(2, 3), nowrap=(2, 4)))
    else:
        parts.append(para(t("portfolio.funnel.none_outside", lang), "qm-note"))
    return section("funnels", t("portfolio.funnel", lang), join(parts))


def _links(b: Board, ids: list[str], anchor: str = "sec-shortcomings") -> Markup:
    return tag("span", join((community_link(b, c, anchor) for c in ids), Markup("、")), class_="qm-links")


def problems_section(b: Board, lang: str = "zh") -> Markup:
    """Common shortcoming kinds (and insight drivers) with linked communities; the company plan."""
    total = len(b.ids)
    parts: list[Markup] = []
    if b.problems.empty:
        parts.append(para(t("portfolio.problems.none", lang), "qm-note"))
    else:
        parts.append(para(t("portfolio.problems.intro", lang)))
        rows = [
            [t(f"finding.kind.{r.kind}", lang), f"{r.count:,} / {total:,}", _links(b, r.communities)]
            for r in b.problems.itertuples()
        ]
        header = [
            t("portfolio.finding", lang),
            t("portfolio.share_of_communities", lang),
            t("portfolio.which", lang),
        ]
        parts.append(html_table(header, rows, numeric=(1,), nowrap=(1,)))
    if b.drivers is not None and not b.drivers.empty:
        parts.append(tag("h3", t("portfolio.drivers", lang), class_="qm-h3"))
        sep = "·" if lang == "zh" else ": "
        rows = [
            [
                Markup("{}{}{}").format(
                    metric_label(r.metric_id, lang), sep, resident_text(r.label or r.subject)
                ),
                f"{r.count:,} / {total:,}",
                _links(b, r.communities, "sec-results"),
            ]
            for r in b.drivers.itertuples()
        ]
        header = [
            t("portfolio.driver", lang),
            t("portfolio.share_of_communities", lang),
            t("portfolio.which", lang),
        ]
        parts.append(html_table(header, rows, numeric=(1,), nowrap=(1,)))
    if not b.plan.empty:
        parts.append(tag("h3", t("portfolio.plan", lang), class_="qm-h3"))
        parts.append(para(t("portfolio.plan.intro", lang)))
        rows = [
            [
                f"{i}",
                t(f"finding.kind.{r.kind}", lang),
                f"{r.communities:,}",
                f"{r.new:,}",
                f"{r.covered:,} / {total:,} ({r.share:.0%})",
            ]
            for i, r in enumerate(b.plan.itertuples(), start=1)
        ]
        header = [
            t("portfolio.plan.step", lang),
            t("portfolio.finding", lang),
            t("portfolio.share_of_communities", lang),
            t("portfolio.plan.new", lang),
            t("portfolio.plan.covered", lang),
        ]
        parts.append(html_table(header, rows, numeric=(0, 2, 3, 4), nowrap=(4,)))
    return section("problems", t("portfolio.problems", lang), join(parts))


def history_section(b: Board, lang: str = "zh") -> Markup:
    """Company KPI values of the last quality months, red counts per community, improved/relapsed."""
    h = b.history
    if h.empty or b.month is None:
        return section("history", t("portfolio.history", lang), para(t("ui.missing", lang)))
    months = sorted(h["month"].unique())
    if len(months) < 2:
        body = para(t("portfolio.history.single", lang).format(month=b.month), "qm-note")
        return section("history", t("portfolio.history", lang), body)
    grid = h.pivot_table(index="metric_id", columns="month", values="value", aggfunc="first")
    counts = h.pivot_table(index="metric_id", columns="month", values="n", aggfunc="first")
    rows = []
    for m in [x for x in HEADLINE_KPIS if x in grid.index]:
        cells: list[object] = [metric_label(m, lang)]
        for month in months:
            v = grid.loc[m].get(month)
            n = counts.loc[m].get(month)
            cells.append(
                "—"
                if pd.isna(v)
                else Markup("{}<br><small>n={:,}</small>").format(
                    fmt_value(m, v), int(n) if pd.notna(n) else 0
                )
            )
        rows.append(cells)
    parts = [
        para(t("portfolio.history.intro", lang).format(k=len(months))),
        html_table([t("ui.metric", lang), *months], rows, numeric=range(1, len(months) + 1)),
    ]
    s = b.status_history
    if not s.empty:
        reds = s[s["rag"] == "red"].pivot_table(
            index="community_id", columns="month", values="rag", aggfunc="count"
        )
        present = s.pivot_table(index="community_id", columns="month", values="metric_id", aggfunc="count")
        srows = []
        for cid in b.ids:
            cells = [community_link(b, cid)]
            for month in months:
                known = cid in present.index and pd.notna(present.loc[cid].get(month))
                n_red = reds.loc[cid].get(month) if cid in reds.index else 0
                cells.append(f"{int(n_red) if pd.notna(n_red) else 0}" if known else "—")
            srows.append(cells)
        parts += [
            tag("h3", t("portfolio.history.status", lang), class_="qm-h3"),
            html_table([t("portfolio.community", lang), *months], srows, numeric=range(1, len(months) + 1)),
        ]
    moves = b.moves
    prev = months[-2] if b.month == months[-1] else "—"
    parts.append(
        tag("h3", t("portfolio.history.moves", lang).format(prev=prev, month=b.month), class_="qm-h3")
    )
    if moves.empty:
        parts.append(para(t("portfolio.history.no_moves", lang), "qm-note"))
    else:

        def names(ms: list[str]) -> str:
            return ("、" if lang == "zh" else ", ").join(metric_label(m, lang) for m in ms) or "—"

        mrows = [
            [community_link(b, r.community_id), names(r.improved), names(r.relapsed)]
            for r in moves.itertuples()
        ]
        parts.append(
            html_table(
                [
                    t("portfolio.community", lang),
                    t("portfolio.history.improved", lang),
                    t("portfolio.history.relapsed", lang),
                ],
                mrows,
            )
        )
    return section("history", t("portfolio.history", lang), join(parts))


def pooled_section(b: Board, lang: str = "zh") -> Markup:
    """Company KPIs per period, each with its pooled n."""
    pooled = b.rollup.pooled
    rows = []
    periods = [q for q in PERIODS if q in set(pooled.get("period", []))]
    for metric_id, grp in pooled.groupby("metric_id", sort=False):
        by_period = grp.set_index("period")
        cells: list[object] = [metric_label(metric_id, lang)]
        for period in periods:
            if period in by_period.index and pd.notna(by_period.loc[period, "value"]):
                row = by_period.loc[period]
                cells.append(
                    Markup("{}<br><small>n={:,}</small>").format(
                        fmt_value(metric_id, row["value"]), int(row["n"])
                    )
                )
            else:
                cells.append("—")
        rows.append(cells)
    header = [t("ui.metric", lang), *[t(f"period.{q}", lang) for q in periods]]
    body = para(t("portfolio.method", lang)) + html_table(header, rows, numeric=range(1, len(header)))
    return section("pooled", t("portfolio.pooled", lang), body)


def distribution_section(b: Board, lang: str = "zh") -> Markup:
    """Box plots across communities, only with at least 8 communities (else nothing)."""
    if len(b.ids) < MIN_FOR_BOXPLOT:
        return Markup("")
    chart = Chart(t("portfolio.distribution", lang), kpi_distribution(b.rollup.metrics, lang))
    return section("distribution", t("portfolio.distribution", lang), figure_html(chart))


def all_sections(b: Board, lang: str = "zh") -> Markup:
    """The whole board in reading order (used for the PDF and tests; the notebook shows them one by one)."""
    return join(
        [
            cover(b, lang),
            act_now_section(b, lang),
            kpi_board_section(b, lang),
            funnel_section(b, lang),
            problems_section(b, lang),
            history_section(b, lang),
            pooled_section(b, lang),
            distribution_section(b, lang),
            sorter_script(),
        ]
    )
