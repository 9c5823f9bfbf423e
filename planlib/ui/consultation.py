"""The consultation board app: what people said, who said it, and which commitments answer it.

``voila_apps/consultation.ipynb`` shows one :class:`ConsultationApp`: the share of responses on
each theme (as received and weighted to the census population of each local authority), one
theme by local authority with example quotes, who responded against the population (local
authorities and age bands, under-represented groups flagged), and the trace from each theme to
the commitments that answer it, with the gaps.

The one control, the theme, passes through :func:`planlib.ui.safe` and
:func:`planlib.ui.validate_choice`: a value that is not offered gets a short message, never a
traceback. Response text is escaped wherever it is shown.

>>> import planlib
>>> app = ConsultationApp.for_plan(planlib.DEFAULT_PLAN)
>>> theme = app.results.themes.iloc[-1]
>>> app.set_theme(theme["theme"])
>>> theme["title"] in app.quotes.value
True
>>> app.set_theme("<script>")
>>> "not one of the choices" in app.messages.value
True
"""

from __future__ import annotations

import os

import ipywidgets as widgets
import pandas as pd

from planlib.charts.consultation import representation_chart, theme_by_area_chart, themes_chart
from planlib.consultation import ConsultationResults, analyse, candidate_themes
from planlib.io.plan_folder import load_folder
from planlib.present.consultation import AREA_LABELS
from planlib.formats import count, share
from planlib.present.html import APP_CSS, Html, badge, bullet_list, cards, escape, heading, html_table, paragraph
from planlib.ui import Messages, log_to_server, safe, section, validate_choice
from planlib.ui.kit import chart_block, download_link


def _pct(value: float | None) -> str:
    return share(value, 0)


def _flag(flagged: bool, label: str = "Under-represented") -> Html:
    return badge(label, "unverified") if flagged else Html("")


class ConsultationApp:
    """The consultation app: build it on the results of :func:`planlib.consultation.analyse`.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole app (everything below the header).
    theme : ipywidgets.Dropdown
        The theme shown by local authority and quoted.
    messages : planlib.ui.Messages
        Where a rejected value or an error is reported to the viewer.
    """

    def __init__(self, results: ConsultationResults) -> None:
        log_to_server()
        self.results = results
        self.messages = Messages()
        themes = results.themes
        self._titles = dict(zip(themes["theme"], themes["title"]))
        self.theme = widgets.Dropdown(
            options=[(title, theme) for theme, title in self._titles.items()],
            value=themes["theme"].iloc[0], description="Theme", style={"description_width": "initial"},
            layout=widgets.Layout(width="520px"),
        )
        first = self.theme.value
        self.area_block = chart_block(theme_by_area_chart(results, first), description=self._area_words(first),
                                      table=self._area_frame(first), title="Share of each area's responses",
                                      csv_name="theme_by_area", css_class="planlib-theme-area-chart", level=0)
        self.area_chart = self.area_block.chart
        self.quotes = widgets.HTML()
        self.quotes.add_class("planlib-quotes")
        self._shown = self.theme.value
        self.theme.observe(safe(self.messages)(self._on_theme), names="value")
        self._show_theme(self.theme.value)

        themes_table = widgets.HTML(self._themes_html())
        themes_table.add_class("planlib-themes-table")
        trace_table = widgets.HTML(self._trace_html())
        trace_table.add_class("planlib-trace-table")
        self.widget = widgets.VBox([
            widgets.HTML(APP_CSS),
            widgets.HTML(self._banner_html()),
            section("At a glance", widgets.HTML(self._glance_html())),
            section("What people raised", self._themes_block(), themes_table,
                    note="Each response is coded to every theme whose phrases it uses (the codebook an analyst "
                         "edits). Weighted: each response counts with its local authority's weight, so that every "
                         "area counts as its share of the population."),
            section("One theme, area by area", self.theme, self.messages, self.area_block, self.quotes,
                    note="Choose a theme to see how often each local authority's responses raised it, and what "
                         "people wrote."),
            section("Who responded", self._representation_block(),
                    widgets.HTML(self._areas_html()), widgets.HTML(self._ages_html()),
                    note="Weight = share of the Census 2021 population / share of the responses. A group with a "
                         "weight above 1.5 gave fewer than two thirds of the responses its population would give."),
            section("From themes to commitments", trace_table, widgets.HTML(self._no_evidence_html()),
                    note="The commitments whose evidence cites each theme, directly or through a manifesto pledge "
                         "or partner board that answers it. A theme no commitment answers is a gap in the plan."),
            section("Themes the codebook may miss", widgets.HTML(self._candidates_html()),
                    note="Topics found by TF-IDF and non-negative matrix factorisation in the responses that no "
                         "theme caught: suggestions for an analyst to review, not findings."),
        ])
        self.widget.add_class("planlib-app")

    @classmethod
    def for_plan(cls, path: str | os.PathLike[str]) -> ConsultationApp:
        """The app on the plan folder at ``path`` (its ``consultation/`` folder)."""
        folder = load_folder(path, parts=["consultation"])
        return cls(analyse(folder.plan, folder.consultation))

    # ------------------------------------------------------------------ the theme control

    def set_theme(self, theme: object) -> None:
        """Choose a theme as a viewer would; a value not offered gets a message."""
        safe(self.messages)(self._set_theme)(theme)

    def _set_theme(self, theme: object) -> None:
        self.theme.value = validate_choice(theme, list(self._titles), "The theme")

    def _on_theme(self, change: dict) -> None:
        value = change.get("new")
        if value == self._shown:  # also the echo of putting the control back below
            return
        if value not in self._titles:
            self.theme.value = self._shown
            validate_choice(value, list(self._titles), "The theme")
        try:
            self._show_theme(value)
        except Exception:
            # The page still shows the theme before: put the control back to it, then report.
            self.theme.value = self._shown
            raise
        self.messages.clear()

    def _show_theme(self, theme: str) -> None:
        chart = theme_by_area_chart(self.results, theme)
        quotes, words, figures = self._quotes_html(theme), self._area_words(theme), self._area_frame(theme)
        if hasattr(self, "area_block"):  # built once the first theme's figures are known
            self.area_block.update(chart=chart, description=words, table=figures)
        self.quotes.value = quotes
        self._shown = theme

    # ------------------------------------------------------------------ charts with their figures

    def _area_frame(self, theme: str) -> pd.DataFrame:
        """The area chart's figures: each local authority's responses and the share raising ``theme``."""
        data = self.results.by_local_authority
        order = {a.name: i for i, a in enumerate(self.results.plan.local_authorities)}  # the chart's order
        data = data[data["theme"] == theme].sort_values("group", key=lambda g: g.map(order).fillna(len(order)),
                                                        kind="stable")
        return pd.DataFrame({"Local authority": [AREA_LABELS.get(g, g) for g in data["group"]],
                             "Responses from the area": data["group_responses"].astype(int),
                             "Responses raising the theme": data["responses"].astype(int),
                             "Share": [_pct(v) for v in data["share"]]})

    def _area_words(self, theme: str) -> str:
        data = self.results.by_local_authority
        names = [a.name for a in self.results.plan.local_authorities]
        data = data[(data["theme"] == theme) & data["share"].notna() & data["group"].isin(names)]
        row = self.results.themes.set_index("theme").loc[theme]
        words = f"{row['title']}: raised in {_pct(row['share'])} of all responses."
        if not data.empty:
            high, low = data.loc[data["share"].idxmax()], data.loc[data["share"].idxmin()]
            words += (f" The highest share is in {AREA_LABELS.get(high['group'], high['group'])} ({_pct(high['share'])}),"
                      f" the lowest in {AREA_LABELS.get(low['group'], low['group'])} ({_pct(low['share'])}).")
        return words

    def _themes_block(self) -> widgets.Widget:
        themes = self.results.themes
        figures = pd.DataFrame({"Theme": themes["title"], "Responses": themes["responses"].astype(int),
                                "Share": [_pct(v) for v in themes["share"]],
                                "Weighted share": [_pct(v) for v in themes["weighted_share"]]})
        top = themes.loc[themes["responses"].idxmax()]
        words = (f"{len(themes)} themes; the most raised is {top['title']} ({top['responses']} responses, "
                 f"{_pct(top['share'])}; weighted {_pct(top['weighted_share'])}).")
        return chart_block(themes_chart(self.results), description=words, table=figures,
                           title="Responses by theme", csv_name="themes", css_class="planlib-themes-chart", level=0)

    def _representation_block(self) -> widgets.Widget:
        areas = self.results.local_authorities.dropna(subset=["population"])
        figures = pd.DataFrame({"Local authority": [AREA_LABELS.get(a, a) for a in areas["local_authority"]],
                                "Share of the responses": [_pct(v) for v in areas["response_share"]],
                                "Share of the population": [_pct(v) for v in areas["population_share"]],
                                "Under-represented": ["Yes" if u else "No" for u in areas["under_represented"]]})
        under = [AREA_LABELS.get(a, a) for a in areas.loc[areas["under_represented"].astype(bool), "local_authority"]]
        words = ("Each local authority's share of the responses beside its share of the census population. "
                 + (f"Under-represented: {', '.join(under)}." if under else "No area is under-represented."))
        return chart_block(representation_chart(self.results), description=words, table=figures,
                           title="Who responded, against the census population", csv_name="who_responded",
                           css_class="planlib-representation-chart", level=0)

    # ------------------------------------------------------------------ drawing

    def _banner_html(self) -> str:
        statuses = set(self.results.consultation.responses["status"])
        if statuses == {"synthetic"}:
            text = ("These responses are synthetic: made up to show how the consultation is analysed, because the "
                    "329 real responses are not public. No figure on this page is evidence of what people said.")
        else:
            text = f"Responses: {', '.join(sorted(statuses))}."
        return f'<div class="planlib-banner"><strong>{escape(text)}</strong></div>'

    def _glance_html(self) -> str:
        r = self.results
        gaps = r.gaps
        return cards([
            (f"{len(r.coded):,}", "responses"),
            (str(len(r.themes)), "themes in the codebook"),
            (str(int(r.coded[list(r.themes["theme"])].any(axis=1).sum())), "responses coded to a theme"),
            (str(len(gaps)) if gaps else "None", "themes no commitment answers"),
            (str(len(r.no_evidence)), "commitments citing no evidence"),
        ])

    def _themes_html(self) -> str:
        rows = [
            [t.title, t.responses, _pct(t.share), _pct(t.weighted_share), len(t.commitments),
             _flag(t.gap, "Gap: no commitment") or "Answered"]
            for t in self.results.themes.itertuples()
        ]
        return html_table(["Theme", "Responses", "Share", "Weighted share", "Commitments", "In the plan"], rows,
                          numeric=[1, 2, 3, 4])

    def _quotes_html(self, theme: str) -> str:
        row = self.results.themes.set_index("theme").loc[theme]
        quotes = bullet_list(f"“{q}”" for q in row["examples"]) or bullet_list(["No response raised it."])
        return (heading(f"What people wrote: {row['title']}", 3)
                + paragraph(f"{row['responses']} responses ({_pct(row['share'])}; weighted {_pct(row['weighted_share'])}).")
                + quotes)

    def _areas_html(self) -> str:
        rows = [
            [AREA_LABELS.get(a.local_authority, a.local_authority), a.responses,
             count(a.population),
             _pct(a.population_share), _pct(a.response_share), "–" if a.weight != a.weight else f"{a.weight:.2f}",
             _flag(a.under_represented)]
            for a in self.results.local_authorities.itertuples()
        ]
        return html_table(["Local authority", "Responses", "Population", "Population share", "Response share",
                           "Weight", ""], rows, numeric=[1, 2, 3, 4, 5])

    def _ages_html(self) -> str:
        rows = [
            [a.age_band, a.responses, _pct(a.response_share), _pct(a.population_share), _flag(a.under_represented)]
            for a in self.results.ages.itertuples()
        ]
        profile = self.results.consultation.age_profile
        note = ""
        if profile is not None and (profile["status"] == "unverified").any():
            note = paragraph("The population's shares by age are unverified (a recollection of the Census 2021 "
                             "profile of England and Wales): read the age flags as indicative.")
        young = [g for g in self.results.under_represented if g.startswith("young people")]
        if young:
            note += paragraph("Young people are under-represented among the responses.", strong=True)
        return note + html_table(["Age band", "Responses", "Share of those giving an age", "Population share", ""],
                                 rows, numeric=[1, 2, 3])

    def _trace_html(self) -> str:
        trace = self.results.trace
        titles = {e.id: e.title for e in self.results.plan.evidence}
        rows, csv_rows = [], []
        for t in self.results.themes.itertuples():
            part = trace[trace["theme"] == t.theme]
            answers = [f"{r.commitment} (via {titles.get(r.via, r.via)})" if r.via != t.theme else r.commitment
                       for r in part.itertuples()]
            rows.append([t.title, bullet_list(answers) or _flag(True, "Gap: no commitment answers it")])
            csv_rows.append([t.title, "; ".join(answers) or "Gap: no commitment answers it"])
        figures = pd.DataFrame(csv_rows, columns=["Theme", "Commitments that answer it"])
        return (html_table(["Theme", "Commitments that answer it"], rows)
                + f'<p class="planlib-download-line">{download_link(figures, "themes_to_commitments")}</p>')

    def _candidates_html(self) -> str:
        r = self.results
        table = candidate_themes(r.coded, r.themes["theme"])
        rows = [[c.candidate, c.words, c.responses, bullet_list(f"“{q}”" for q in c.examples)]
                for c in table.itertuples()]
        html_rows = html_table(["Candidate", "Its main words", "Responses", "For example"], rows, numeric=[0, 2],
                               empty="Too few responses were coded to no theme to suggest any.")
        return f'<div class="planlib-candidates">{html_rows}</div>'

    def _no_evidence_html(self) -> str:
        ids = self.results.no_evidence
        if not ids:
            return paragraph("Every commitment cites evidence.")
        titles = [self.results.plan.commitment(c).title for c in ids]
        return (heading(f"Commitments that cite no evidence ({len(ids)})", 3)
                + paragraph("Mostly statutory duties and governance, which the law rather than the consultation asks for.")
                + bullet_list(titles))
