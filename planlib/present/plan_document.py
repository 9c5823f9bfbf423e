"""How the published Police and Crime Plan is written: its headings, sentences and panels.

Pure functions from figures and titles to escaped HTML, used by
:mod:`planlib.reports.plan_document` (what the document says, section by section). The six
headings of PRSRA 2011 s.7(1) are fixed here (:data:`STATUTORY_HEADINGS`) so that the document,
its contents and its index of requirements name them the same way. Nothing here shows an id: a
commitment's anchor in the page is its number (:func:`commitment_anchor`).

>>> STATUTORY_HEADINGS["s7c"]
'The resources provided to the Chief Constable'
>>> net_benefit_sentence(-1_500_000, -2_600_000, 400_000, 0.3)
'Its net benefit is most likely −£1.5m (a median over the uncertain assumptions); we are 90% sure it lies between −£2.6m and £0.4m. The chance that its benefits exceed its costs is 30%.'
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from planlib.formats import count, money, share
from planlib.model import Kpi
from planlib.present.html import Html, bullet_list, escape, html_table, paragraph

STATUTORY_HEADINGS = {
    "s7a": "The Commissioner's police and crime objectives",
    "s7b": "The policing the Chief Constable is to provide",
    "s7c": "The resources provided to the Chief Constable",
    "s7d": "How the Chief Constable reports to the Commissioner",
    "s7e": "How the Chief Constable's performance is measured",
    "s7f": "Crime and disorder reduction grants and their conditions",
}
"""The heading of each section PRSRA 2011 s.7(1)(a)-(f) asks a plan to have, by requirement id."""

STATUTORY_ANCHORS = {key: f"statutory-{key[-1]}" for key in STATUTORY_HEADINGS}
"""The page anchor of each statutory section (``statutory-a`` to ``statutory-f``)."""

OTHER_SECTIONS = {
    "foreword": "Foreword",
    "commitments": "Our commitments",
    "functions": "The Commissioner's other functions",
    "equality": "Equality objectives",
    "making": "How this plan was made",
    "index": "Index of statutory requirements",
}
"""The document's other sections, by anchor."""

EVIDENCE_LABELS = {
    "manifesto": "Manifesto",
    "consultation_priority": "Consultation priorities",
    "consultation_theme": "Consultation themes",
    "partner_board": "Partner boards",
    "function": "Statutory functions",
}
"""How each kind of evidence a commitment answers is headed in its panel."""

EQUALITY_LABELS = {"positive": "Positive", "neutral": "Neutral", "negative": "Negative", "mixed": "Mixed",
                   "not_assessed": "Not yet assessed"}
"""How each equality impact rating is written."""

DRAFT_MARK = "Draft for the Police and Crime Panel"
"""The words that mark every page of a draft plan."""


def statutory_title(key: str) -> str:
    """A statutory section's heading with its paragraph of the Act.

    >>> statutory_title("s7f")
    's.7(1)(f): Crime and disorder reduction grants and their conditions'
    """
    return f"s.7(1)({key[-1]}): {STATUTORY_HEADINGS[key]}"


def commitment_anchor(number: int) -> str:
    """The page anchor of the plan's ``number``-th commitment (never its id).

    >>> commitment_anchor(3)
    'commitment-3'
    """
    return f"commitment-{number}"


def long_date(day: object) -> str:
    """A date as a reader writes it.

    >>> import datetime as dt
    >>> long_date(dt.date(2021, 10, 5))
    '5 October 2021'
    """
    return f"{day.day} {day:%B %Y}"  # type: ignore[attr-defined]


def link(anchor: str, text: str) -> Html:
    """A link to a section of the same page.

    >>> link("statutory-a", "Objectives & aims")
    '<a href="#statutory-a">Objectives &amp; aims</a>'
    """
    return Html(f'<a href="#{html.escape(anchor)}">{html.escape(text)}</a>')


def section_heading(anchor: str, title: str, level: int = 2, kicker: str = "") -> str:
    """A heading with an anchor, and an optional line above it (such as the Act's paragraph).

    >>> section_heading("index", "Index", kicker="Annex")
    '<p class="kicker act">Annex</p>\\n<h2 id="index">Index</h2>'
    """
    top = f'<p class="kicker act">{html.escape(kicker)}</p>\n' if kicker else ""
    return f'{top}<h{level} id="{html.escape(anchor)}">{html.escape(title)}</h{level}>'


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: Iterable[int] = (),
          caption: str = "", empty: str = "None.", nowrap: Iterable[int] = (), css_class: str = "") -> str:
    """A document table (class ``planlib``, which the report style draws, and ``css_class``).

    >>> "<th>Year</th>" in table(["Year"], [["2021/22"]])
    True
    """
    return html_table(headers, rows, numeric=numeric, css_class=f"planlib {css_class}".strip(), caption=caption,
                      empty=empty, nowrap=nowrap)


def definition_list(items: Iterable[tuple[str, object]]) -> str:
    """Labelled facts as a ``<dl>`` (values escaped unless :class:`Html`); empty values left out.

    >>> definition_list([("Owner", "OPCC"), ("Note", "")])
    '<dl class="facts"><dt>Owner</dt><dd>OPCC</dd></dl>'
    """
    body = "".join(f"<dt>{html.escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items if v not in ("", None))
    return f'<dl class="facts">{body}</dl>'


def figure(value: float) -> str:
    """A KPI figure or an FTE: whole numbers without decimals, others to one place.

    >>> figure(450.0), figure(12.5), figure(3400)
    ('450', '12.5', '3,400')
    """
    return count(value) if float(value).is_integer() else f"{value:,.1f}"


def kpi_row(kpi: Kpi) -> tuple[str, str, str, str]:
    """A KPI as the panels and the measures section show it: title, baseline, target, frequency.

    >>> from planlib.model import Kpi
    >>> k = Kpi(id="K1", title="Burglary", unit="crimes", direction="down",
    ...         baseline={"value": 100, "period": "2020/21"}, target={"value": 80, "by": "2024/25"},
    ...         frequency="annual", owner="Force", source="s", status="estimate")
    >>> kpi_row(k)
    ('Burglary', '100 crimes in 2020/21', '80 crimes by 2024/25 (down)', 'Annual')
    """
    return (kpi.title, f"{figure(kpi.baseline.value)} {kpi.unit} in {kpi.baseline.period}",
            f"{figure(kpi.target.value)} {kpi.unit} by {kpi.target.by} ({kpi.direction})", kpi.frequency.capitalize())


def net_benefit_sentence(p50: float, p5: float, p95: float, prob_positive: float) -> str:
    """The appraisal of a commitment whose benefits are valued, in words a board member reads.

    >>> net_benefit_sentence(2e6, 1e6, 3e6, 1.0).split(". ")[-1]
    'The chance that its benefits exceed its costs is 100%.'
    """
    return (f"Its net benefit is most likely {money(p50)} (a median over the uncertain assumptions); "
            f"we are 90% sure it lies between {money(p5)} and {money(p95)}. "
            f"The chance that its benefits exceed its costs is {share(prob_positive, 0)}.")


def volume_break_even_sentence(outcome: str, needed: float, central: float) -> str:
    """What a valued commitment would have to achieve to pay for itself (its switching value).

    ``outcome`` is the benefit line's outcome as the plan words it; what follows " - " or a
    bracket (which part of the value, a caveat) is left out.

    >>> volume_break_even_sentence("Robberies prevented", 3920.4, 140)
    'It would pay for itself if it prevented 3,920 robberies a year (the plan assumes 140).'
    >>> volume_break_even_sentence("Thefts of vehicles prevented - police costs avoided (UNVERIFIED)", 2001, 141)
    'It would pay for itself if it prevented 2,001 thefts of vehicles a year (the plan assumes 141).'
    >>> volume_break_even_sentence("Violence with injury prevented by disrupting drug markets", 217, 55)
    'It would pay for itself if violence with injury prevented by disrupting drug markets reached 217 a year (the plan assumes 55).'
    """
    name = outcome.split(" - ")[0].split(" (")[0].strip()
    name = name[:1].lower() + name[1:]
    needed_text, central_text = count(round(needed)), count(round(central))
    if name.endswith("s prevented"):  # a plural noun counts: "it prevented 40 robberies"
        return (f"It would pay for itself if it prevented {needed_text} {name[: -len(' prevented')]} a year "
                f"(the plan assumes {central_text}).")
    return f"It would pay for itself if {name} reached {needed_text} a year (the plan assumes {central_text})."


def cost_break_even_sentence(pv_costs: float, years: int, per_year: float,
                             crime: tuple[str, float] | None = None) -> str:
    """The cost of a commitment whose benefits are not valued, and what would make it break even.

    ``per_year`` is the benefit a year, in today's prices, that would repay the discounted cost
    over the plan's ``years``; ``crime`` is ``(crime type, offences a year)``, that benefit as
    offences of one type prevented, when the plan has unit costs of crime.

    >>> cost_break_even_sentence(4_000_000, 4, 1_050_000, ("robbery", 40.4))
    'Its benefits are not valued in money. Its cost over the plan is £4.0m (present value); it would pay for itself if it yielded benefits worth £1.1m a year over the 4 years, for example if it prevented about 40 offences of robbery a year.'
    >>> cost_break_even_sentence(0, 4, 0)
    'Its benefits are not valued in money. It needs no resources of its own, so it has no cost to recover.'
    """
    if pv_costs <= 0:
        return "Its benefits are not valued in money. It needs no resources of its own, so it has no cost to recover."
    text = (f"Its benefits are not valued in money. Its cost over the plan is {money(pv_costs, thousands=True)} "
            f"(present value); it would pay for itself if it yielded benefits worth {money(per_year, thousands=True)} "
            f"a year over the {years} years")
    if crime is not None:
        name, offences = crime
        text += (f", for example if it prevented about {count(max(1, round(offences)))} offences of "
                 f"{name.replace('_', ' ')} a year")
    return text + "."


@dataclass(frozen=True)
class CommitmentPanel:
    """Everything a commitment's panel shows, already in words (titles, never ids)."""

    number: int
    title: str
    objective: str
    description: str
    owner: str
    workstream: str
    commissioning: str
    mandatory: bool
    evidence: tuple[tuple[str, tuple[str, ...]], ...]
    """``(heading, titles)`` for each kind of evidence it answers."""
    resources: tuple[tuple[str, float, float, float, float], ...]
    """``(year, revenue, capital, officer FTE, staff FTE)`` by year."""
    kpis: tuple[tuple[str, str, str, str], ...]
    """``(title, baseline, target, frequency)`` of each KPI that measures it."""
    value: tuple[str, ...]
    """Sentences on its net benefit, or its cost and break-even."""
    dependencies: tuple[str, ...] = ()
    equality: tuple[str, tuple[str, ...], str] = ("not_assessed", (), "")
    """``(rating, groups, notes)`` of its equality impact."""


def resources_table(rows: Sequence[tuple[str, float, float, float, float]], caption: str = "") -> str:
    """A commitment's resources by year, with a total row.

    >>> t = resources_table([("2021/22", 1e6, 0, 2, 0.5), ("2022/23", 42_000, 0, 0, 1)])
    >>> "£1.0m" in t, "£42k" in t, "£0.0m" in t
    (True, True, False)
    """
    def cash(value: float) -> str:  # a post's pay is tens of thousands: £42k, never £0.0m
        return money(value, thousands=True) if value else "–"

    body = [(y, cash(r), cash(c), figure(o), figure(s)) for y, r, c, o, s in rows]
    if rows:
        body.append((Html("<strong>Total</strong>"), cash(sum(r[1] for r in rows)), cash(sum(r[2] for r in rows)),
                     "", ""))
    return table(["Year", "Revenue", "Capital", "Officers (FTE)", "Staff (FTE)"], body, numeric=range(1, 5),
                 caption=caption)


def commitment_panel(panel: CommitmentPanel, level: int = 3) -> str:
    """A commitment's panel: what and why, who and how, resources, measures, value, links.

    Its title is a heading of ``level`` and its parts headings one level below.

    >>> p = CommitmentPanel(1, "Safer <streets>", "Less crime", "", "OPCC", "Partnership", "Grant", False,
    ...                     (("Manifesto", ("More patrols",)),), (("2021/22", 1e6, 0, 0, 1),), (), ("It costs £1.0m.",))
    >>> html = commitment_panel(p)
    >>> '<h3 id="commitment-1">Safer &lt;streets&gt;</h3>' in html, "More patrols" in html
    (True, True)
    """
    sub = level + 1
    parts = [f'<section class="commitment" aria-labelledby="{commitment_anchor(panel.number)}">',
             f'<h{level} id="{commitment_anchor(panel.number)}">{html.escape(panel.title)}</h{level}>',
             paragraph(f"Objective: {panel.objective}", "meta")]
    if panel.description:
        parts.append(paragraph(panel.description))
    parts.append(f"<h{sub}>Why</h{sub}>")
    why = [Html(f"<strong>{html.escape(kind)}:</strong> {html.escape('; '.join(titles))}")
           for kind, titles in panel.evidence if titles]
    parts.append(bullet_list(why) or paragraph("It cites no evidence."))
    parts.append(f"<h{sub}>Who owns it and how it is commissioned</h{sub}>")
    parts.append(definition_list([("Owner", panel.owner), ("Workstream", panel.workstream),
                                  ("Commissioning", panel.commissioning),
                                  ("Statutory duty", "Yes: it cannot be dropped" if panel.mandatory else "")]))
    parts.append(f"<h{sub}>Resources by year</h{sub}>")
    parts.append(resources_table(panel.resources, caption=f"Resources: {panel.title}") if panel.resources
                 else paragraph("It needs no resources of its own."))
    parts.append(f"<h{sub}>How success is measured</h{sub}>")
    parts.append(table(["Indicator", "Baseline", "Target", "Reported"], panel.kpis, caption=f"Indicators: {panel.title}",
                       nowrap=[3])
                 if panel.kpis else paragraph("No indicator measures it yet."))
    parts.append(f"<h{sub}>Net benefit</h{sub}>")
    parts.extend(paragraph(s) for s in panel.value)
    if panel.dependencies:
        parts.append(f"<h{sub}>Depends on</h{sub}>")
        parts.append(bullet_list(panel.dependencies))
    rating, groups, notes = panel.equality
    parts.append(f"<h{sub}>Equality impact</h{sub}>")
    text = EQUALITY_LABELS.get(rating, rating)
    if groups:
        text += f" for {', '.join(groups)}"
    parts.append(paragraph(f"{text}." + (f" {notes}" if notes else "")))
    parts.append("</section>")
    return "\n".join(parts)


DOCUMENT_CSS = """
.cover { min-height: 200mm; display: flex; flex-direction: column; justify-content: center; break-after: page;
         page-break-after: always; }
.cover h1 { font-size: 26pt; line-height: 1.2; }
.cover .area { font-size: 14pt; color: #12284c; }
.draft-banner { border: 1.5pt solid #8a1c00; color: #8a1c00; font-weight: bold; padding: 4pt 6pt; margin: 8pt 0; }
nav.contents ol { padding-left: 24pt; }
nav.contents a { display: inline-block; min-height: 24px; line-height: 24px; }
table.planlib a, .delivered a { display: inline-block; min-height: 24px; }  /* WCAG 2.5.8 target size */
nav.contents a, .index a { color: #12284c; }
section.commitment { border: .75pt solid #9aa7bd; border-left: 3pt solid #12284c; padding: 2pt 8pt 6pt 8pt;
                     margin: 10pt 0; }
p.act { text-transform: none; margin: 18pt 0 0 0; break-after: avoid; page-break-after: avoid; }
p.act + h2 { margin-top: 2pt; }
section.commitment h3, section.commitment h4 { margin-top: 4pt; font-size: 11.5pt; }
section.commitment h5 { font-size: 9.5pt; }
h4, h5 { font-size: 10pt; margin: 6pt 0 2pt 0; color: #12284c; break-after: avoid; page-break-after: avoid; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 1pt 8pt; margin: 2pt 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table.planlib td.nowrap, table.planlib th.nowrap { white-space: nowrap; overflow-wrap: normal; }
table.planlib.long-rows tr { break-inside: auto; page-break-inside: auto; }  /* rows longer than a page may break */
"""
"""The document's own style, beside the report style of :mod:`planlib.reports.rendering`."""
