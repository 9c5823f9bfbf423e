"""What the published Police and Crime Plan says: :class:`PlanDocument`, one method per section.

The template ``reports/plan_document.ipynb`` builds one document from the plan folder, its
stage (``draft`` for the Police and Crime Panel, or ``final``) and the appraisal's seed
(:meth:`PlanDocument.load`) and asks it for each section in turn: the cover and contents, the
foreword, the Commissioner's objectives, a panel for every commitment in the plan, the six
sections of PRSRA 2011 s.7(1) (the resources, reporting, measures and grants sections are in
:mod:`planlib.reports.plan_statutory`), the Commissioner's other functions, the equality
objectives, how the plan was made and an index of every statutory requirement. Each method
returns an IPython HTML object; the words are written by :mod:`planlib.present.plan_document`.

>>> from planlib.io.paths import DEFAULT_PLAN
>>> doc = PlanDocument.load(DEFAULT_PLAN, stage="draft", samples=200)
>>> doc.draft_mark().startswith("Draft for the Police and Crime Panel")
True
"""

from __future__ import annotations

import datetime as dt
import html
import math
import os
from dataclasses import dataclass, field
from typing import Any

from planlib.formats import year_range
from planlib.present.labels import COMMISSIONING_LABELS, WORKSTREAM_LABELS, owner_label
from planlib.present.plan_document import (
    DOCUMENT_CSS,
    DRAFT_MARK,
    EVIDENCE_LABELS,
    OTHER_SECTIONS,
    STATUTORY_ANCHORS,
    STATUTORY_HEADINGS,
    CommitmentPanel,
    commitment_anchor,
    commitment_panel,
    cost_break_even_sentence,
    kpi_row,
    link,
    long_date,
    net_benefit_sentence,
    section_heading,
    statutory_title,
    table,
    volume_break_even_sentence,
)
from planlib.reports.plan_statutory import StatutorySections

STAGES = ("draft", "final")
"""The stages of the published plan: the draft the Police and Crime Panel reviews, and the plan issued."""

DOCUMENT_SAMPLES = 10_000
"""Monte Carlo draws behind each commitment's net benefit unless asked for another number."""

INDEX_SECTIONS = {"plan_content": None, "function": "functions", "process": "making", "equality": "equality"}
"""The section of the document that meets each kind of statutory requirement (contents: their own)."""


def panel_meeting(plan: Any) -> dt.date | None:
    """The date of the Police and Crime Panel's first meeting on the draft (the timeline's first ``panel_meeting``)."""
    meetings = sorted(e.start for e in plan.timeline if e.kind == "panel_meeting")
    return meetings[0] if meetings else None


def draft_mark(plan: Any) -> str:
    """The words on every page of the plan's draft: for the Police and Crime Panel, with its meeting date.

    >>> import planlib
    >>> draft_mark(planlib.load_plan(planlib.DEFAULT_PLAN)).startswith("Draft for the Police and Crime Panel, meeting on ")
    True
    """
    meeting = panel_meeting(plan)
    when = f", meeting on {long_date(meeting)}" if meeting else " (no Panel meeting is in the plan's timeline)"
    return DRAFT_MARK + when


def _display(markup: str) -> Any:
    from IPython.display import HTML

    return HTML(markup)


def _version() -> str:
    from planlib import __version__

    return __version__


@dataclass
class PlanDocument(StatutorySections):
    """Everything the published plan shows, computed once from the plan folder, stage and seed."""

    plan_path: str
    plan: Any = field(repr=False)
    stage: str
    seed: int
    samples: int
    appraisal: Any = field(repr=False)
    compliance: Any = field(repr=False)
    ran_at: str = ""
    checksum: str = ""

    @classmethod
    def load(cls, plan_path: str | os.PathLike[str], stage: str = "final", seed: int | None = None,
             samples: int = DOCUMENT_SAMPLES) -> PlanDocument:
        """Read the plan and compute its appraisal (fixed seed) and its compliance check."""
        from planlib.appraisal import appraisal_table
        from planlib.compliance import check
        from planlib.io.plan_files import load_plan
        from planlib.reports.rendering import plan_checksum
        from planlib.uncertainty import DEFAULT_SEED

        if stage not in STAGES:
            raise ValueError(f"stage must be one of {', '.join(STAGES)} (got {stage!r})")
        plan = load_plan(plan_path)
        seed = DEFAULT_SEED if seed is None else int(seed)
        table = appraisal_table(plan, samples=int(samples), seed=seed).set_index("commitment")
        ran_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        return cls(str(plan_path), plan, stage, seed, int(samples), table, check(plan), ran_at,
                   plan_checksum(plan_path))

    # ---------------------------------------------------------------- what the sections share

    @property
    def commitments(self) -> list[Any]:
        """The commitments in the plan (enabled), in the plan's order."""
        return [c for c in self.plan.commitments if c.enabled]

    def numbers(self) -> dict[str, int]:
        """Each commitment's number in the document (its anchor), by id."""
        return {c.id: i for i, c in enumerate(self.commitments, start=1)}

    def commitment_link(self, commitment: Any) -> Any:
        """A link to a commitment's panel, by its title."""
        return link(commitment_anchor(self.numbers()[commitment.id]), commitment.title)

    def draft_mark(self) -> str:
        """The words on every page of a draft: for the Police and Crime Panel, with its meeting date."""
        return draft_mark(self.plan)

    # ---------------------------------------------------------------- sections

    def cover(self) -> Any:
        """The cover (the document's one h1) and its contents, linked to every section."""
        p = self.plan
        draft = self.stage == "draft"
        style = DOCUMENT_CSS
        stage_text = "The plan as issued. " if not draft else ""
        banner = f'<p class="draft-banner">{html.escape(self.draft_mark())}</p>' if draft else ""
        entries = [link(anchor, title) for anchor, title in self.contents()]
        contents = "".join(f"<li>{e}</li>" for e in entries)
        return _display(
            f"<style>{style}</style>"
            f'<header class="cover"><p class="kicker">Police and Crime Plan</p><h1>{html.escape(p.name)}</h1>'
            f'<p class="area">{html.escape(p.police_area)}, {html.escape(year_range(p.years))}</p>'
            f"{banner}<p>{stage_text}Version {html.escape(p.version)}.</p></header>"
            f'<nav class="contents" aria-labelledby="contents"><h2 id="contents">Contents</h2><ol>{contents}</ol></nav>'
        )

    def contents(self) -> list[tuple[str, str]]:
        """``(anchor, title)`` of every section, in the document's order."""
        entries = [("foreword", OTHER_SECTIONS["foreword"])] if self.plan.foreword or self.stage == "draft" else []
        entries.append((STATUTORY_ANCHORS["s7a"], statutory_title("s7a")))
        entries.append(("commitments", OTHER_SECTIONS["commitments"]))
        entries += [(STATUTORY_ANCHORS[k], statutory_title(k)) for k in ("s7b", "s7c", "s7d", "s7e", "s7f")]
        entries += [(a, OTHER_SECTIONS[a]) for a in ("functions", "equality", "making", "index")]
        return entries

    def foreword(self) -> Any:
        """The Commissioner's foreword (``foreword:`` in plan.yaml); in a draft without one, its slot."""
        text = self.plan.foreword.strip()
        if not text and self.stage != "draft":
            return _display("")
        body = ("".join(f"<p>{html.escape(para.strip())}</p>" for para in text.split("\n\n") if para.strip())
                if text else "<p><em>The Commissioner's foreword will appear here.</em></p>")
        return _display(section_heading("foreword", OTHER_SECTIONS["foreword"]) + body)

    def objectives(self) -> Any:
        """s.7(1)(a): the objectives by section of the plan, each with the commitments that deliver it."""
        p = self.plan
        parts = [section_heading(STATUTORY_ANCHORS["s7a"], STATUTORY_HEADINGS["s7a"],
                                 kicker="Police Reform and Social Responsibility Act 2011, s.7(1)(a)")]
        for section in sorted(p.sections, key=lambda s: s.number):
            objectives = [o for o in p.objectives if o.section == section.id]
            if not objectives:
                continue
            parts.append(f"<h3>{section.number}. {html.escape(section.title)}</h3><ul>")
            for o in objectives:
                delivered = [self.commitment_link(c) for c in self.commitments if c.objective_id == o.id]
                by = f'<br><small class="delivered">Delivered by: {"; ".join(delivered)}</small>' if delivered else ""
                desc = f" {html.escape(o.description)}" if o.description else ""
                parts.append(f"<li><strong>{html.escape(o.title)}.</strong>{desc}{by}</li>")
            parts.append("</ul>")
        return _display("\n".join(parts))

    def commitments_section(self) -> Any:
        """Every commitment in the plan on its own panel, by section of the plan."""
        p = self.plan
        objective_section = {o.id: o.section for o in p.objectives}
        numbers = self.numbers()
        parts = [section_heading("commitments", OTHER_SECTIONS["commitments"]),
                 ("<p>Each commitment below says what it is and why, who owns it and how it is commissioned, the "
                 "resources it needs by year, the indicators that define its success, its net benefit (or what it "
                 "would have to achieve to pay for itself), what it depends on and its expected effect on equality.</p>")]
        for section in sorted(p.sections, key=lambda s: s.number):
            inside = [c for c in self.commitments if objective_section.get(c.objective_id) == section.id]
            if inside:
                parts.append(f"<h3>{section.number}. {html.escape(section.title)}</h3>")
                parts.extend(commitment_panel(self.panel(c, numbers[c.id]), level=4) for c in inside)
        return _display("\n".join(parts))

    def panel(self, commitment: Any, number: int) -> CommitmentPanel:
        """One commitment's panel, in words."""
        p, c = self.plan, commitment
        evidence = {e.id: e for e in p.evidence}
        functions = _function_names()
        by_kind: dict[str, list[str]] = {}
        for ref in c.evidence:
            if ref in evidence:
                by_kind.setdefault(evidence[ref].kind, []).append(evidence[ref].title)
        by_kind["function"] = [functions.get(f, f) for f in c.functions]
        kpis = {k.id: k for k in p.kpis}
        titles = {x.id: x.title for x in p.commitments}
        return CommitmentPanel(
            number=number, title=c.title, objective=next(o.title for o in p.objectives if o.id == c.objective_id),
            description=c.description, owner=owner_label(c.owner), workstream=WORKSTREAM_LABELS[c.workstream],
            commissioning=COMMISSIONING_LABELS[c.commissioning], mandatory=c.mandatory,
            evidence=tuple((label, tuple(by_kind.get(kind, ()))) for kind, label in EVIDENCE_LABELS.items()),
            resources=self.resources_of(c.id), kpis=tuple(kpi_row(kpis[k]) for k in c.kpis if k in kpis),
            value=self.value_of(c), dependencies=tuple(titles.get(d, d) for d in c.depends_on),
            equality=(c.equality_impact.rating, c.equality_impact.groups, c.equality_impact.notes),
        )

    def resources_of(self, commitment_id: str) -> tuple[tuple[str, float, float, float, float], ...]:
        """A commitment's revenue, capital, officer and staff FTE by year (planlib.finance.commitment_costs)."""
        wide = self.commitment_costs().get(commitment_id)
        if wide is None or not wide.to_numpy().any():
            return ()
        return tuple((str(y), float(wide.at[y, "revenue_gbp"]), float(wide.at[y, "capital_gbp"]),
                      float(wide.at[y, "officer_fte"]), float(wide.at[y, "staff_fte"])) for y in wide.index)

    def commitment_costs(self) -> dict[str, Any]:
        """Every enabled commitment's costs as a table (years x measures), by id; computed once."""
        if "_costs" not in self.__dict__:
            from planlib.finance import commitment_costs

            long = commitment_costs(self.plan, enabled_only=True)
            self.__dict__["_costs"] = {cid: part.pivot(index="year", columns="measure", values="value")
                                       for cid, part in long.groupby("commitment_id", sort=False)}
        return self.__dict__["_costs"]

    def value_of(self, commitment: Any) -> tuple[str, ...]:
        """Its net benefit in words where its benefits are valued; else its cost and break-even."""
        row = self.appraisal.loc[commitment.id]
        if commitment.benefits and row["monetised"]:
            sentences = [net_benefit_sentence(row["npv_p50"], row["npv_p5"], row["npv_p95"], row["prob_npv_positive"])]
            volume = self.volume_break_even(commitment)
            return tuple(sentences + ([volume] if volume else []))
        from planlib.appraisal import annual_equivalent, discount_factors

        years = len(self.plan.years)
        per_year = annual_equivalent(float(row["pv_costs"]), discount_factors(years))
        return (cost_break_even_sentence(float(row["pv_costs"]), years, per_year, self.crime_example(commitment, per_year)),)

    def volume_break_even(self, commitment: Any) -> str:
        """The outcome whose volume needs the smallest rise to pay for the commitment (its switching value)."""
        from planlib.appraisal import switching_values

        table = switching_values(self.plan, commitment.id).set_index("input")
        best = None
        for line in commitment.benefits:
            if line.volume in table.index:
                needed, central = table.at[line.volume, "switching_value"], table.at[line.volume, "central"]
                if math.isfinite(needed) and central > 0 and (best is None or needed / central < best[1] / best[2]):
                    best = (line.outcome, float(needed), float(central))
        return volume_break_even_sentence(*best) if best else ""

    def crime_example(self, commitment: Any, per_year: float) -> tuple[str, float] | None:
        """The break-even benefit as offences of one type a year, at the unit cost of crime in first-year
        prices, in the offences planlib.appraisal.break_even_unit finds near the commitment (the net
        benefit app and planlib appraise say the same); None where the plan values no offence near it."""
        from planlib.appraisal import break_even_unit

        found = break_even_unit(self.plan, commitment.id)
        if found is None or found.crime_type is None:
            return None
        return found.crime_type, per_year / found.unit_value

    def policing(self) -> Any:
        """s.7(1)(b): the policing the Chief Constable is to provide: the commitments the force owns."""
        owned = [c for c in self.commitments if c.owner == "chief_constable"]
        parts = [section_heading(STATUTORY_ANCHORS["s7b"], STATUTORY_HEADINGS["s7b"],
                                 kicker="Police Reform and Social Responsibility Act 2011, s.7(1)(b)"),
                 (f"<p>The Chief Constable is to provide the policing of {html.escape(self.plan.police_area)} that "
                 f"delivers the objectives above and, in particular, the {len(owned)} commitments the force owns:</p>")]
        by_objective = {o.id: o.title for o in self.plan.objectives}
        rows = [(self.commitment_link(c), by_objective[c.objective_id]) for c in owned]
        parts.append(table(["Commitment", "Objective"], rows, caption="Commitments owned by the Chief Constable",
                           empty="No commitment names the Chief Constable as its owner."))
        spr = self.plan.strategic_policing_requirement
        if spr is not None:
            parts.append(f"<h3>The Strategic Policing Requirement</h3><p>{html.escape(spr.text)}</p>")
        return _display("\n".join(parts))

    def footer(self) -> Any:
        """Where the document came from: the plan, its version and checksum, the seed, planlib, when it ran."""
        p = self.plan
        return _display(
            f'<footer class="report-footer"><p>{html.escape(p.name)}, version {html.escape(p.version)}; plan files '
            f"checksum {self.checksum}. Net benefit from {self.samples:,} Monte Carlo draws with seed {self.seed}. "
            f"Made with planlib {_version()}.</p><p>Produced <span class=\"run-time\">{self.ran_at}</span>.</p></footer>")


def _function_names() -> dict[str, str]:
    """The name of each of the Commissioner's functions f01-f14, by id."""
    from planlib.reference import statutory_requirements

    return {r["id"]: r["requirement"] for r in statutory_requirements() if r["kind"] == "function"}
