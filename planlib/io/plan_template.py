"""The commented files of a new plan folder, other than ``finance.yaml``.

A minimal plan that validates: one section, one objective, two commitments (one with every
field filled, one with only what is required, so that the checklist shows what a commitment
still needs), one KPI, the PCC election in the timeline and no grants. Each file opens with
what it holds and the statutory requirements it answers, listed from
``planlib/reference/statutory_plan_requirements.csv``; each field has a comment saying what it
means, its unit and where a real figure comes from. Optional blocks (the Chief Constable's
reporting, the statement on the Strategic Policing Requirement, the commitment the officers
lever moves, grants, the plan-making steps) are written as comments to uncomment and fill.

>>> from planlib.io.new_plan_settings import new_plan_settings
>>> files = plan_folder_files(new_plan_settings("Testshire", "2021/22", 4))
>>> sorted(files)[:4]
['README.md', 'commitment_costs.csv', 'commitments.yaml', 'finance.yaml']
"""

from __future__ import annotations

import textwrap
from typing import get_args

from planlib.io.finance_template import finance_yaml
from planlib.io.new_plan_settings import NewPlanSettings
from planlib.io.plan_files import FILES
from planlib.io.tabular import csv_dump
from planlib.io.yaml_text import PLACEHOLDER, WIDTH, comment, number, quoted
from planlib.model.kpi import NationalMeasure
from planlib.reference import statutory_requirements

SECTION, OBJECTIVE = "s1_safer_neighbourhoods", "o1_safer_neighbourhoods"
POLICING, VICTIMS = "pledge_policing", "pledge_victims"
KPI = "kpi_recorded_crime"

WHERE_MET = {
    "s7a": "objectives in plan.yaml, each with at least one commitment in commitments.yaml",
    "s7b": "commitments in commitments.yaml owned by chief_constable",
    "s7c": "finance.yaml for every year, and each commitment's resources in commitment_costs.csv",
    "s7d": "reporting in plan.yaml (below)",
    "s7e": "kpis.yaml: every objective needs a KPI with a baseline and target (its own or a commitment's)",
    "s7f": "grants.yaml: the grants and their conditions, or a statement that the plan makes none",
    "f11": "strategic_policing_requirement in plan.yaml",
    "p01": "a plan_issued event in timeline.yaml",
    "e01": "plan_issued (requirement e01) and annual_report events in timeline.yaml",
}
"""Where in the folder each requirement is met, for the lists at the top of the files."""


def requirement_list(kind: str) -> list[str]:
    """Comment lines listing the reference table's requirements of ``kind``, each with where it is met.

    >>> requirement_list("function")[0]
    '#   f01  Community safety'
    """
    lines = []
    for row in statutory_requirements():
        if row["kind"] != kind:
            continue
        statute = "; ".join(part for part in row["basis"].split("; ") if not part.startswith("seed"))
        text = f"{row['requirement']} [{statute}]" if statute and kind != "function" else row["requirement"]
        if row["id"] in WHERE_MET:
            text += f". Where: {WHERE_MET[row['id']]}"
        lines += textwrap.wrap(text, WIDTH, initial_indent=f"#   {row['id']}  ", subsequent_indent="#        ",
                               break_long_words=False)
    return lines


def _provenance(what: str, indent: int) -> list[str]:
    pad = " " * indent
    return [f"{pad}source: {quoted(PLACEHOLDER + what)}", f"{pad}status: illustrative"]


def plan_yaml(s: NewPlanSettings) -> str:
    """The text of ``plan.yaml``: identity, period, election, one section and one objective."""
    election = s.election_date.isoformat()
    lines = [
        *comment("plan.yaml: the plan's identity and structure. Created by `planlib new`; data/README.md "
                 "in the planlib repository documents every file and field of a plan folder, and the "
                 "folder's README.md says what each file holds."),
        "#",
        "# What a Police and Crime Plan must contain (PRSRA 2011 s.7(1)); `planlib check` tests each:",
        *requirement_list("plan_content"),
        "#",
        *comment("Every number in this folder is a placeholder: status illustrative, with a source that "
                 "begins \"placeholder: replace with\" and says where the real figure comes from. `planlib "
                 "new` printed a checklist of what is left to fill; `planlib check` prints the statutory "
                 "part of it again."),
        "",
        f"id: {s.plan_id}   # the plan's id: a letter, then letters, digits, _ . or - (64 at most)",
        f"name: {quoted(s.name)}   # the plan's title",
        f"police_area: {quoted(s.police_area)}",
        "version: \"0.1 (new plan)\"   # the version of this data, stated in every report: raise it when the data change",
        "description: >-",
        f"  A new Police and Crime Plan for {s.police_area}, created by planlib new. Every number is an",
        "  illustrative placeholder until it is replaced with a sourced figure.",
        "",
        "# The financial years of the plan (1 April to 31 March), first and last inclusive.",
        "period:",
        f"  first: {quoted(str(s.first_year))}",
        f"  last: {quoted(str(s.last_year))}",
        "",
        *comment("Polling day of the PCC election the plan follows (YYYY-MM-DD). A placeholder: the first "
                 "Thursday of May of the plan's first year. The election event in timeline.yaml must fall "
                 "on the same day."),
        f"election_date: {election}",
        "",
        *comment("The plan's sections, in order: id, number (1, 2, ...) and title. Add one for each section "
                 "of the published plan."),
        "sections:",
        f"  - id: {SECTION}",
        "    number: 1",
        "    title: Safer neighbourhoods",
        "",
        *comment("The Commissioner's police and crime objectives (s.7(1)(a)): id, title, the section it "
                 "belongs to, and a description (why it matters, with sources). Optional: kpis (KPI ids of "
                 "kpis.yaml that measure it directly) and weight (its priority for `planlib optimise`, "
                 "default 1)."),
        "objectives:",
        f"  - id: {OBJECTIVE}",
        "    title: Reduce neighbourhood crime",
        f"    section: {SECTION}",
        "    description: Placeholder objective. Replace it with the Commissioner's own wording and evidence.",
        "",
        *comment("How the Chief Constable reports to the Commissioner (s.7(1)(d)). The statute sets no "
                 "frequency: the plan sets its own (monthly, every_two_months, quarterly, every_six_months "
                 "or annual). Uncomment and fill:"),
        "# reporting:",
        "#   forum: Police and crime board   # where the Chief Constable reports",
        "#   frequency: quarterly",
        f"#   first_report: {s.first_year.start}-09-30   # the first report under the plan (YYYY-MM-DD)",
        "#   description: What is reported, and how the Commissioner holds the Chief Constable to account.",
        f"#   source: \"{PLACEHOLDER}the Commissioner's governance framework\"",
        "#   status: illustrative",
        "",
        *comment("The plan's statement of regard to the Strategic Policing Requirement (PRSRA 2011 s.5(5); "
                 "function f11). Uncomment and fill:"),
        "# strategic_policing_requirement:",
        "#   text: The Commissioner has had regard to the Strategic Policing Requirement in setting this plan.",
        f"#   section: {SECTION}   # the section that makes the statement",
        f"#   source: \"{PLACEHOLDER}the published plan\"",
        "#   status: illustrative",
        "",
        *comment("What the scenario explorer's officers lever needs, which only the plan can say: the "
                 "commitment whose officer_fte in commitment_costs.csv carries the officers of "
                 "neighbourhood_officers_in_post in finance.yaml (neighbourhood officers, an uplift: whichever "
                 "officers the plan commits to add). Without it the app offers no officers lever and says why. "
                 "A choice, not a figure: no source or status. Uncomment to name it:"),
        "# levers:",
        f"#   officer_commitment: {POLICING}",
    ]
    return "\n".join(lines) + "\n"


def commitments_yaml(s: NewPlanSettings) -> str:
    """The text of ``commitments.yaml``: one commitment with every field, one with the minimum."""
    lines = [
        *comment("commitments.yaml: what the plan will do. Each commitment serves one objective of "
                 "plan.yaml; its resources by year are in commitment_costs.csv (one row per year); the KPIs "
                 "in kpis.yaml measure it."),
        "#",
        *comment("functions lists the Commissioner's functions it serves. `planlib check` wants each served "
                 "by at least one commitment (or grant):"),
        *requirement_list("function"),
        "#",
        *comment("The first commitment shows every field; the second only those required, so the checklist "
                 "shows what it still needs (costs, KPIs). Both are placeholders: replace them with the "
                 "plan's own."),
        "",
        "commitments:",
        f"  - id: {POLICING}   # used by commitment_costs.csv, grants.yaml and depends_on",
        "    title: Add officers to neighbourhood policing",
        f"    objective_id: {OBJECTIVE}   # the objective in plan.yaml it serves",
        "    # governance, police_collaboration, partnership, influence or review",
        "    workstream: governance",
        "    # who delivers it: chief_constable (the policing the force provides, s.7(1)(b)), opcc, or a named partner",
        "    owner: chief_constable",
        "    description: Placeholder. What will be done, by when, and how the Commissioner holds it to account.",
        "    evidence: []   # ids of evidence.yaml (manifesto pledges, consultation themes, partner boards) it answers",
        "    functions: [f01]",
        "    # in_house, grant, contract, partnership or influence_only",
        "    commissioning: in_house",
        "    mandatory: false   # true for a statutory duty, which a scenario or the optimiser must not drop",
        "    # true for one of the Commissioner's pledges (a manifesto promise, a headline priority): planlib",
        "    # optimise --objective pledges keeps it, as it keeps a statutory duty; other objectives say if they drop it",
        "    pledged: false",
        f"    kpis: [{KPI}]",
        "    equality_impact:",
        "      rating: not_assessed   # positive, neutral, negative, mixed or not_assessed",
        "      groups: []   # people with protected characteristics, or other groups, it affects",
        "      notes: Placeholder. Assess the commitment's effect under the public sector equality duty.",
        "    depends_on: []   # ids of commitments it needs",
        *comment("benefits: outcomes valued for `planlib appraise`, each number an id of assumptions.yaml "
                 "(see data/README.md). None yet: its net benefit is minus its cost.", 4),
        "",
        f"  - id: {VICTIMS}",
        "    title: Commission services for victims of crime",
        f"    objective_id: {OBJECTIVE}",
        "    workstream: partnership",
        "    owner: opcc",
        "    functions: [f02]",
        "    commissioning: grant",
        "    equality_impact:",
        "      rating: not_assessed",
    ]
    return "\n".join(lines) + "\n"


def commitment_costs_csv(s: NewPlanSettings) -> str:
    """The rows of ``commitment_costs.csv``: the neighbourhood officers' cost by year (no comments in CSV)."""
    columns = next(f.csv.columns for f in FILES if f.name == "commitment_costs.csv" and f.csv is not None)
    source = (f"{PLACEHOLDER}the commitment's costing: officer_fte is the average in-year FTE of the "
              "neighbourhood officers as they are posted (finance.yaml); non_pay_gbp the non-pay costs "
              "(the finance engine costs the FTE's pay); capital_gbp kit and vehicles")
    rows = [{"commitment_id": POLICING, "year": str(year), "non_pay_gbp": 200_000.0,
             "capital_gbp": 250_000.0 if i == 0 else 0.0, "officer_fte": fte, "staff_fte": 0.0,
             "source": source, "status": "illustrative", "confidence": 6}
            for i, (year, fte) in enumerate(zip(s.years, s.officers_on_average()))]
    return csv_dump(columns, rows)


def kpis_yaml(s: NewPlanSettings) -> str:
    """The text of ``kpis.yaml``: one KPI, with what each field means."""
    lines = [
        *comment("kpis.yaml: how the Chief Constable's performance is measured (PRSRA 2011 s.7(1)(e)). Every "
                 "objective needs at least one KPI with a baseline and a target, its own (objectives[].kpis in "
                 "plan.yaml) or one of its commitments'. Observed values go in kpi_actuals.csv (kpi_id, "
                 "period, local_authority, value, commentary, source, status: every figure with its commentary)."),
        "",
        "kpis:",
        f"  - id: {KPI}",
        "    title: Neighbourhood crimes recorded",
        "    unit: offences a year   # the unit of the baseline, target and actuals",
        "    direction: down   # up or down: which way is better",
        f"    baseline: {{value: {number(10_000)}, period: {quoted(str(s.first_year - 1))}}}   # value, financial year",
        f"    target: {{value: {number(9_000)}, by: {quoted(str(s.last_year))}}}   # value, a year of the plan",
        "    frequency: quarterly   # monthly, quarterly or annual: how often it is reported",
        "    owner: chief_constable",
        *comment("one of the National Crime and Policing Measures, where it reports one: "
                 + ", ".join(get_args(NationalMeasure)), 4),
        "    national_measure: reduce_neighbourhood_crime",
        "    description: Burglary, robbery, theft from the person and vehicle crime recorded by the force.",
        *_provenance("the force's recorded crime for the baseline year, and the target the Commissioner sets", 4),
    ]
    return "\n".join(lines) + "\n"


def timeline_yaml(s: NewPlanSettings) -> str:
    """The text of ``timeline.yaml``: the election, and the plan-making steps as comments to fill."""
    y = s.first_year.start
    steps = [
        ("step_chief_constable_consulted", "chief_constable_consultation", "The Chief Constable consulted on the draft",
         f"{y}-07-01", "p02"),
        ("step_draft_to_panel", "draft_to_panel", "Draft plan sent to the Police and Crime Panel", f"{y}-10-01", "p03"),
        ("step_panel_meeting", "panel_meeting", "The Panel meets on the draft", f"{y}-10-15", "p03"),
        ("step_panel_report", "panel_report", "The Panel's report on the draft", f"{y}-10-15", None),
        ("step_chief_constable_again", "chief_constable_consultation",
         "The Chief Constable consulted on the points changed since the draft", f"{y}-11-01", "p06"),
        ("step_response", "response_published", "Response to the Panel's report published", f"{y}-11-05", "p04"),
        ("step_plan_issued", "plan_issued", "The plan issued", f"{y}-11-15", "p01"),
        ("step_plan_published", "plan_issued", "The plan published and sent to the Chief Constable", f"{y}-11-15", "p05"),
        ("step_equality_objectives", "plan_issued", "Equality objectives published with the plan", f"{y}-11-15", "e01"),
        ("step_annual_report_1", "annual_report", "Annual report (one a year of the plan)", f"{y + 1}-07-15", "e01"),
    ]
    lines = [
        *comment("timeline.yaml: the plan-making process as dated events (id, kind, title, start, optional "
                 "end and requirement, source, status). `planlib check` tests these requirements from them:"),
        *requirement_list("process"),
        *requirement_list("equality"),
        "",
        *comment("How many days before its meeting the Police and Crime Panel must have the draft (p03). The "
                 "statute sets no number (a reasonable time); without this planlib uses 14 and says so. "
                 "Uncomment to set the plan's own:"),
        "# panel_notice:",
        "#   days: 14",
        f"#   source: \"{PLACEHOLDER}the Panel's own rules or the plan's choice\"",
        "#   status: illustrative",
        "",
        "timeline:",
        "  - id: step_election",
        "    kind: election",
        "    title: Police and Crime Commissioner election",
        f"    start: {s.election_date.isoformat()}   # must equal election_date in plan.yaml",
        *_provenance("the polling day of the election (public record)", 4),
        "",
        *comment("The plan-making steps. Uncomment each as it is dated (YYYY-MM-DD) and give its source; the "
                 "dates below are placeholders in a plausible order (the draft reaches the Panel before it "
                 "meets, the plan is issued in the election's financial year, after the Panel's report). A "
                 "consultation, roundtable, survey or youth_engagement event may be added the same way; so may "
                 "draft_to_chief_constable (the draft sent to the Chief Constable, for p02 or p06) and a second "
                 "panel_meeting (the Panel on the consultation's results). A step the records do not date "
                 "keeps status illustrative and says so in its source; one dated only to the month is an "
                 "estimate.", 2),
    ]
    for ident, kind, title, start, requirement in steps:
        lines += [f"  # - id: {ident}", f"  #   kind: {kind}", f"  #   title: {title}", f"  #   start: {start}"]
        if requirement:
            lines.append(f"  #   requirement: {requirement}")
        lines += [f"  #   source: \"{PLACEHOLDER}the record of the step\"", "  #   status: illustrative"]
    return "\n".join(lines) + "\n"


def grants_yaml(s: NewPlanSettings) -> str:
    """The text of ``grants.yaml``: no grants yet, a grant and the no-grants statement as comments."""
    amounts = "{" + ", ".join(f"{y}: 0.0" for y in s.years) + "}"
    lines = [
        *comment("grants.yaml: the crime and disorder reduction grants the Commissioner makes and their "
                 "conditions (PRSRA 2011 s.7(1)(f)); or, for a plan that makes none, a statement saying so. "
                 "A grant's amounts are GBP in cash by financial year; when a commitment pays it "
                 "(commitment_id), its non_pay_gbp in commitment_costs.csv already includes it."),
        "",
        "grants: []",
        "# grants:",
        "#   - id: grant_victim_support",
        "#     recipient: The provider of the victims' service",
        "#     purpose: Support for victims of crime",
        f"#     commitment_id: {VICTIMS}   # optional: the commitment whose costs include it",
        "#     functions: [f02]   # the functions f01-f14 it serves",
        f"#     amounts: {amounts}",
        "#     conditions:",
        "#       - Quarterly monitoring returns of spending, activity and outcomes",
        f"#     source: \"{PLACEHOLDER}the grant agreement\"",
        "#     status: illustrative",
        "#     confidence: 6",
        "",
        "# grants_statement:   # only if the plan makes no grants",
        "#   text: The Commissioner makes no crime and disorder reduction grants under this plan.",
        f"#   section: {SECTION}",
        f"#   source: \"{PLACEHOLDER}the published plan\"",
        "#   status: illustrative",
    ]
    return "\n".join(lines) + "\n"


def readme(s: NewPlanSettings) -> str:
    """The folder's ``README.md``: what each file holds and what to do next."""
    return textwrap.dedent(f"""\
        # {s.name}

        A new plan folder made by `planlib new`. It validates, but every number in it is a
        placeholder (`status: illustrative`, with a source that begins "placeholder: replace with").

        | file | holds |
        |---|---|
        | `plan.yaml` | id, name, area, period, election date, sections, objectives; the Chief Constable's reporting and the Strategic Policing Requirement statement (commented) |
        | `commitments.yaml` | what the plan will do, with the functions f01-f14 each serves |
        | `commitment_costs.csv` | each commitment's resources by year: non-pay and capital GBP, officer and staff FTE, with source and status |
        | `finance.yaml` | the medium-term financial plan's inputs: grant, precept, tax base, pay, workforce, reserves |
        | `kpis.yaml` | how performance is measured: baseline, target, direction |
        | `timeline.yaml` | the plan-making process: the election, then the steps to date (commented) |
        | `grants.yaml` | the grants the Commissioner makes, or a statement that there are none |

        Optional files, added when needed: `assumptions.yaml` and `unit_costs.csv` (benefit lines),
        `evidence.yaml`, `kpi_actuals.csv`, `local_authorities.csv`, `appraisal.yaml`, `horizon.yaml`,
        `implications.yaml`, `consultation/`, `scenarios/`. The planlib repository's `data/README.md`
        documents every file and field.

        Next: replace the placeholders, then run `planlib validate` and `planlib check` on this folder.
        """)


def plan_folder_files(settings: NewPlanSettings) -> dict[str, str]:
    """Every file of a new plan folder, by name, as text."""
    return {
        "README.md": readme(settings),
        "plan.yaml": plan_yaml(settings),
        "commitments.yaml": commitments_yaml(settings),
        "commitment_costs.csv": commitment_costs_csv(settings),
        "finance.yaml": finance_yaml(settings),
        "kpis.yaml": kpis_yaml(settings),
        "timeline.yaml": timeline_yaml(settings),
        "grants.yaml": grants_yaml(settings),
    }
