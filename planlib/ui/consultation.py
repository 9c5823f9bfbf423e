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

from planlib.charts.consultation import representation_chart, theme_by_area_chart, themes_chart
from planlib.consultation import ConsultationResults, analyse, candidate_themes
from planlib.io.plan_folder import load_folder
from planlib.present.consultation import AREA_LABELS
from planlib.formats import count, share
from planlib.present.html import APP_CSS, Html, badge, bullet_list, cards, escape, heading, html_table, paragraph
from planlib.ui import Messages, chart_widget, log_to_server, readable, safe, section, validate_choice


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
        self.area_chart = chart_widget(theme_by_area_chart(results, self.theme.value),
                                       "planlib-theme-area-chart")
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
            section("What people raised", chart_widget(themes_chart(results), "planlib-themes-chart"),
                    themes_table,
                    note="Each response is coded to every theme whose phrases it uses (the codebook an analyst "
                         "edits). Weighted: each response counts with its local authority's weight, so that every "
                         "area counts as its share of the population."),
            section("One theme, area by area", self.theme, self.messages, self.area_chart, self.quotes,
                    note="Choose a theme to see how often each local authority's responses raised it, and what "
                         "people wrote."),
            section("Who responded", chart_widget(representation_chart(results),
                                                  "planlib-representation-chart"),
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
        quotes = self._quotes_html(theme)
        self.area_chart.chart = readable(chart)
        self.quotes.value = quotes
        self._shown = theme

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
        rows = []
        for t in self.results.themes.itertuples():
            part = trace[trace["theme"] == t.theme]
            answers = [f"{r.commitment} (via {titles.get(r.via, r.via)})" if r.via != t.theme else r.commitment
                       for r in part.itertuples()]
            rows.append([t.title, bullet_list(answers) or _flag(True, "Gap: no commitment answers it")])
        return html_table(["Theme", "Commitments that answer it"], rows)

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
