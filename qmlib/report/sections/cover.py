"""The title block of report.html."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from ...labels import t
from ..front import front_lines, report_title
from ..markup import esc, join, tag
from .common import ReportInputs, period_name


def cover(r: ReportInputs) -> Markup:
    """Title block: community, company, households, periods, as-of and generation date."""
    p, lang = r.params, r.lang or "zh"
    title = report_title(p, lang)
    meta: list[tuple[str, object]] = list(front_lines(p, lang))
    if p.company:
        meta.append((t("report.meta.company", lang), p.company))
    meta.append(
        (
            t("report.meta.households", lang),
            t("report.meta.households_value", lang).format(n=f"{p.households:,}"),
        )
    )
    for period in p.period_names:
        start, end = p.periods[period]
        dates = Markup(esc(t("report.meta.period_range", lang))).format(
            start=tag("span", start.isoformat(), class_="qm-nw"),
            end=tag("span", end.isoformat(), class_="qm-nw"),
        )
        meta.append((period_name(period, lang), dates))
    meta.append((t("report.meta.as_of", lang), p.as_of_date.isoformat()))
    meta.append((t("report.meta.generated", lang), (r.generated_on or dt.date.today()).isoformat()))
    items = join(tag("div", tag("dt", k) + tag("dd", v)) for k, v in meta)
    return tag(
        "header",
        tag("p", t("report.kicker", lang), class_="qm-kicker")
        + tag("h1", title, class_="qm-title")
        + tag("dl", items, class_="qm-meta"),
        class_="qm-cover",
    )
