"""Charts for people: Altair (Vega-Lite) specifications rendered to SVG on the server by
vl-convert, so pages need no script and the Dagster UI can show them as images. Registrars are
shown by name and numbers rounded as people read them. Used by the web service's pages and the
Dagster fairness dashboard.
"""

from __future__ import annotations

import base64

import altair as alt
import pandas as pd
import vl_convert

OVER = "#b3261e"  # more than a fair share
UNDER = "#0b5cad"  # less than a fair share
WIDTH = 520


def svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text (rendered here, offline)."""
    return vl_convert.vegalite_to_svg(chart.to_json())


def data_uri(chart: alt.TopLevelMixin) -> str:
    """The chart as a `data:` URI, for an <img> or a markdown image."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(chart).encode()).decode()


def markdown_image(chart: alt.TopLevelMixin, title: str) -> str:
    return f"![{title}]({data_uri(chart)})"


def balance_chart(frame: pd.DataFrame, value: str, title: str, unit: str) -> alt.Chart:
    """Horizontal bars of each person's balance against their fair share (`name`, `value`), red over
    and blue under, sorted from most over to most under."""
    data = frame[["name", value]].rename(columns={value: "balance"}).copy()
    data["balance"] = data["balance"].astype(float).round(1)
    data["side"] = data["balance"].map(lambda v: "over fair share" if v > 0 else "under fair share")
    return (
        alt.Chart(data, title=title, width=WIDTH, height=alt.Step(16))
        .mark_bar()
        .encode(
            x=alt.X("balance:Q", title=f"{unit} above (+) or below (-) fair share"),
            y=alt.Y("name:N", sort="-x", title=None),
            color=alt.Color(
                "side:N",
                scale=alt.Scale(domain=["over fair share", "under fair share"], range=[OVER, UNDER]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=["name:N", alt.Tooltip("balance:Q", format=".1f")],
        )
    )


def share_chart(frame: pd.DataFrame, measure: str, title: str) -> alt.LayerChart:
    """Each person's `actual` count against their `fair` share (by FTE) for one measure: bars for what
    they worked, a tick for their share."""
    data = frame[["name", "actual", "fair"]].copy()
    data["fair"] = data["fair"].astype(float).round(1)
    base = alt.Chart(data, title=title, width=WIDTH, height=alt.Step(16)).encode(
        y=alt.Y("name:N", sort=alt.EncodingSortField("fair", order="descending"), title=None)
    )
    bars = base.mark_bar(color="#8fb3d9").encode(
        x=alt.X("actual:Q", title=measure), tooltip=["name", "actual", "fair"]
    )
    ticks = base.mark_tick(color="#1b1f24", thickness=2, size=14).encode(x="fair:Q")
    return alt.layer(bars, ticks)


def over_time_chart(frame: pd.DataFrame, value: str, title: str, unit: str) -> alt.Chart:
    """One line per person of `value` by week (`week_start`, `name`)."""
    data = frame[["week_start", "name", value]].copy()
    data["week_start"] = pd.to_datetime(data["week_start"]).dt.strftime("%Y-%m-%d")
    data[value] = data[value].astype(float).round(1)
    return (
        alt.Chart(data, title=title, width=WIDTH, height=220)
        .mark_line(point=True)
        .encode(
            x=alt.X("week_start:O", title="week starting"),
            y=alt.Y(f"{value}:Q", title=unit),
            color=alt.Color("name:N", legend=alt.Legend(title=None, columns=2, orient="bottom")),
            tooltip=["name", "week_start", alt.Tooltip(f"{value}:Q", format=".1f")],
        )
    )


def cover_chart(frame: pd.DataFrame, title: str) -> alt.LayerChart:
    """Registrars on each day's shifts against the minimum (`date`, `shift`, `assigned`, `min`):
    bars red where a shift is below its minimum."""
    data = frame[["date", "shift", "assigned", "min"]].copy()
    data["day"] = pd.to_datetime(data["date"]).dt.strftime("%a %d")
    data["status"] = (data["assigned"] < data["min"]).map({True: "below minimum", False: "covered"})
    data = data.groupby(["day", "shift", "status"], as_index=False)[["assigned", "min"]].sum()
    base = alt.Chart(data, title=title, width=alt.Step(14), height=160)
    bars = base.mark_bar().encode(
        x=alt.X("shift:N", title=None, axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("assigned:Q", title="registrars on"),
        color=alt.Color(
            "status:N",
            scale=alt.Scale(domain=["covered", "below minimum"], range=["#5b8f5b", OVER]),
            legend=alt.Legend(title=None, orient="bottom"),
        ),
        tooltip=["day", "shift", "assigned", "min"],
    )
    ticks = base.mark_tick(color="#1b1f24", thickness=2).encode(x="shift:N", y="min:Q")
    return alt.layer(bars, ticks).facet(column=alt.Column("day:N", title=None, sort=None))
