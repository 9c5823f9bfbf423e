"""The commented ``finance.yaml`` of a new plan: every input of the medium-term financial plan.

Every number is ``status: illustrative`` with a source that begins ``placeholder: replace
with`` and names where the real figure comes from (the Home Office police grant report, the
PCC's precept decision, the billing authorities' tax base returns, the force's budget and
workforce plan, the reserves strategy). The figures are round numbers of the size of a
middle-sized force, so that the new plan runs; they are no force's figures.

>>> from planlib.io.new_plan_settings import new_plan_settings
>>> from planlib.io.yaml import parse_yaml
>>> data = parse_yaml(finance_yaml(new_plan_settings("Testshire", "2021/22", 2, ["Northtown", "Southtown"])))
>>> [ba["name"] for ba in data["billing_authorities"]], "tax_base" in data
(['Northtown', 'Southtown'], False)
"""

from __future__ import annotations

from planlib.io.new_plan_settings import NEIGHBOURHOOD_OFFICERS, NewPlanSettings
from planlib.io.yaml_text import PLACEHOLDER, assumption, comment, quoted, series

POLICE_GRANT = 150e6
"""The first year's illustrative police grant (GBP), rising by :data:`GRANT_GROWTH` a year."""
GRANT_GROWTH = 0.03
BAND_D_BEFORE = 230.0
"""The illustrative Band D precept in the year before the plan (GBP)."""
PRECEPT_RISE = 10.0
TAX_BASE = 400_000.0
"""The first year's illustrative tax base (Band D equivalents), growing by 1% a year."""
BASELINE_FORCE_COSTS = 81e6
OFFICERS, STAFF = 2000.0, 1500.0

_HEADER = """finance.yaml: the inputs of the medium-term financial plan (MTFP), by financial year. \
Created by `planlib new`; data/README.md in the planlib repository documents every field.

Money is GBP in cash terms (the prices of the year it is spent) unless a unit says otherwise; \
rates are shares (0.02 is 2%). A series gives a value for every year of the plan. A year may be \
a bare number, which takes the series' unit, source, status and confidence, or a mapping that \
overrides them: {value: 152400000.0, status: verified, confidence: 2, source: "..."}; a mapping \
may also give a 90% interval (low, high) instead of, or around, the value.

EVERY NUMBER BELOW IS A PLACEHOLDER: status illustrative, with a source that says where the real \
figure comes from. Replace each with the real figure, its source and its status (verified: \
checked against the source named, which says so when it is secondary, such as the press; \
estimate: derived from sourced figures, the source giving the calculation; illustrative: \
assumed, the source saying it was not published; unverified: a recollection to check) and a \
confidence grade from 1 (strongest) to 6. A series whose years differ in source or status gives \
each year as a mapping. \
The placeholders are round numbers of the size of a middle-sized force, so that `planlib run` \
works from the start; they are no force's figures.

How the figures add up (planlib/finance.py):
costs = baseline_force_costs x non-pay inflation since price_base_year \
+ (officer_fte + commitments' officers) x cost_per_officer x (1 + officer_on_costs) x pay awards \
+ (staff_fte + commitments' staff) x cost_per_staff x (1 + staff_on_costs) x pay awards \
+ the commitments' non-pay costs (commitment_costs.csv). \
net budget requirement = police_grant + former_dclg_grant + council_tax_support_grant \
+ pension_grant + other_grants + Band D x tax base + collection_fund; \
funding = net budget requirement + planned_use_of_reserves. \
budget gap = costs - funding."""


def _by_year(settings: NewPlanSettings, first: float, growth: float = 0.0, digits: int = 0) -> dict[str, float]:
    return {str(y): round(first * (1 + growth) ** i, digits) for i, y in enumerate(settings.years)}


def _flat(settings: NewPlanSettings, value: float) -> dict[str, float]:
    return {str(y): value for y in settings.years}


def _funding(s: NewPlanSettings) -> list[str]:
    before = str(s.first_year - 1)
    return [
        *comment("Core government grant: the Home Office police grant and the formula funding paid "
                 "with it. Later years are the MTFP's forecast. Where the precept decision shows them apart, "
                 "the former DCLG formula grant, the legacy council tax grants (freeze and local council tax "
                 "support) and the police pension grant may each be a series of its own, like this one, for "
                 "every year (0 for a year without): former_dclg_grant, council_tax_support_grant, "
                 "pension_grant. A decision that gives one figure keeps it here."),
        *series("police_grant", "Core government grant settlement for the force.", "GBP",
                f"{PLACEHOLDER}the Home Office police grant report for each year (the force's allocation), "
                "and the MTFP's forecast for later years", _by_year(s, POLICE_GRANT, GRANT_GROWTH, -5)),
        "",
        *comment("Specific grants that fund part of the costs (e.g. a ring-fenced uplift grant, the Ministry "
                 "of Justice victims grant), each a series like police_grant under its own id, for "
                 "every year (0 for a year without it). Uncomment and fill, or leave out:"),
        "# other_grants:",
        "#   moj_victims_grant:",
        "#     description: \"Ministry of Justice grant for commissioned victims' services.\"",
        "#     unit: GBP",
        f"#     source: \"{PLACEHOLDER}the Ministry of Justice grant offer letter\"",
        "#     status: illustrative",
        "#     confidence: 6",
        "#     values: {" + ", ".join(f"{y}: 0.0" for y in s.years) + "}",
        "",
        *comment(f"The Band D police precept in {before}, the year before the plan (GBP on a Band D "
                 "property)."),
        *assumption("precept_band_d_base", f"Police precept on a Band D property in {before}.", "GBP on Band D",
                    f"{PLACEHOLDER}the PCC's precept decision for {before} (Band D council tax for policing)",
                    BAND_D_BEFORE, year=before),
        "",
        *comment("The rise in the Band D precept each year over the year before (GBP), as the Commissioner "
                 "proposes it and the Police and Crime Panel agrees it."),
        *series("precept_increase", "Increase in the Band D police precept over the previous year.", "GBP on Band D",
                f"{PLACEHOLDER}the PCC's precept decision for each year (later years: the MTFP's assumption)",
                _flat(s, PRECEPT_RISE)),
        "",
        *comment("The largest Band D rise allowed without a local referendum (GBP). `planlib run` flags a "
                 "year whose precept_increase is above it."),
        *series("referendum_limit", "Largest Band D increase allowed without a referendum.", "GBP on Band D",
                f"{PLACEHOLDER}the council tax referendum principles for each year (set with the police "
                "funding settlement; later years: the MTFP's assumption)", _flat(s, PRECEPT_RISE)),
        "",
        *_tax_base(s),
    ]


def _tax_base(s: NewPlanSettings) -> list[str]:
    source = (f"{PLACEHOLDER}the council tax base each billing authority notifies to the PCC (Band D "
              "equivalents), as in the PCC's precept decision")
    if not s.billing_authorities:
        return [
            *comment("The council tax base: properties in Band D equivalents, for the whole police area. A "
                     "plan may instead give each billing authority's tax base (billing_authorities: a list of "
                     "{name, tax_base}, with tax_base a series like this one), so that `planlib precept` shows "
                     "each council's precept; a year is given one way or the other, not both."),
            *series("tax_base", "Council tax base of the police area.", "Band D equivalent properties",
                    source, _by_year(s, TAX_BASE, 0.01)),
            "",
            *_collection_fund(s),
        ]
    share = TAX_BASE / len(s.billing_authorities)
    lines = comment("The councils that collect council tax for the police area (billing authorities): in a "
                    "two-tier county the district councils, not the county. Each has its council tax base in "
                    "Band D equivalent properties (the precept it is asked for divided by Band D, where the "
                    "decision gives only the precept), and the plan's tax base is their sum. A year for which "
                    "no decision by billing authority is found may instead be given by one total: a top-level "
                    "tax_base series with that year, and no billing authority's tax base for it (never both "
                    "for one year). Each may also give its collection_fund: its share of the collection fund "
                    "surplus (+) or deficit (-) in GBP, a series like tax_base (a year left out counts as 0).")
    lines.append("billing_authorities:")
    for name in s.billing_authorities:
        lines += [f"  - name: {quoted(name)}",
                  *series("tax_base", f"Council tax base of {name}.", "Band D equivalent properties", source,
                          _by_year(s, share, 0.01), indent=4)]
    return lines + ["", *_collection_fund(s)]


def _collection_fund(s: NewPlanSettings) -> list[str]:
    return [
        *comment("The collection fund surplus (+) or deficit (-) paid with the precept (GBP), in total: for the "
                 "years given by a total tax base, and for a year by billing authority whose decision gives only "
                 "the total (no billing authority's own). Optional: a year left out counts as 0. Uncomment and "
                 "fill:"),
        "# collection_fund:",
        "#   description: \"Collection fund surplus (+) or deficit (-).\"",
        "#   unit: GBP",
        f"#   source: \"{PLACEHOLDER}the PCC's precept decision (the collection fund surplus or deficit)\"",
        "#   status: illustrative",
        "#   confidence: 6",
        "#   values: {" + ", ".join(f"{y}: 0.0" for y in s.years) + "}",
    ]


def _costs(s: NewPlanSettings) -> list[str]:
    first = str(s.first_year)
    budget = f"{PLACEHOLDER}the force's revenue budget for {first} (budget report to the Panel)"
    return [
        *comment(f"The force's non-pay revenue costs less its income, in {first} prices: the finance engine "
                 "uprates them by non_pay_inflation. Officers and staff are costed below, and commitments in "
                 "commitment_costs.csv, so neither is in this figure. Without the budget report's tables, it "
                 "may be set so that the total cost of each year equals the published budget (the net revenue "
                 "budget plus the use of reserves) after the pay and the commitments' costs: say so in its "
                 "source."),
        *series("baseline_force_costs", "Non-pay revenue costs of the force, less income.", "GBP",
                budget, _flat(s, BASELINE_FORCE_COSTS)),
        "",
        *comment("Average police officers paid from the core budget (FTE), leaving out the officers "
                 "costed in commitment_costs.csv so that nothing is counted twice."),
        *series("officer_fte", "Average officers paid from the core budget.", "FTE",
                f"{PLACEHOLDER}the force's workforce plan (budgeted officer FTE)", _flat(s, OFFICERS)),
        "",
        *comment(f"Average officer pay before on-costs in {first} (GBP per FTE a year); pay_award raises "
                 "it in later years."),
        *assumption("cost_per_officer", "Average officer pay before on-costs.", "GBP per FTE a year",
                    f"{PLACEHOLDER}the force's budget for {first} (average officer pay)", 40_000.0, year=first),
        "",
        *comment("Employer's pension and National Insurance contributions on officer pay (share of pay)."),
        *assumption("officer_on_costs", "Employer's on-costs on officer pay.", "share of pay",
                    f"{PLACEHOLDER}the police pension scheme's employer rate and National Insurance, from "
                    "the force's budget", 0.36),
        "",
        *comment("Average police staff (including PCSOs) paid from the core budget (FTE), leaving out the "
                 "staff costed in commitment_costs.csv."),
        *series("staff_fte", "Average police staff paid from the core budget.", "FTE",
                f"{PLACEHOLDER}the force's workforce plan (budgeted staff FTE)", _flat(s, STAFF)),
        "",
        *comment(f"Average staff pay before on-costs in {first} (GBP per FTE a year)."),
        *assumption("cost_per_staff", "Average staff pay before on-costs.", "GBP per FTE a year",
                    f"{PLACEHOLDER}the force's budget for {first} (average staff pay)", 29_000.0, year=first),
        "",
        *comment("Employer's pension and National Insurance contributions on staff pay (share of pay)."),
        *assumption("staff_on_costs", "Employer's on-costs on staff pay.", "share of pay",
                    f"{PLACEHOLDER}the local government pension scheme's employer rate and National "
                    "Insurance, from the force's budget", 0.27),
        "",
        *comment(f"The pay rise in each year over the year before (share). 0 in {first}, the year the pay "
                 "figures above are dated."),
        *series("pay_award", "Pay award for officers and staff.", "share",
                f"{PLACEHOLDER}the pay awards accepted for past years (Police Remuneration Review Body, "
                "staff pay agreement) and the MTFP's assumption for later years",
                {str(y): (0.0 if i == 0 else 0.03) for i, y in enumerate(s.years)}),
        "",
        *comment("Inflation of non-pay costs in each year (share)."),
        *series("non_pay_inflation", "Non-pay inflation.", "share",
                f"{PLACEHOLDER}the MTFP's inflation assumption", _flat(s, 0.025)),
    ]


def _officers_and_reserves(s: NewPlanSettings) -> list[str]:
    first = str(s.first_year)
    in_post = dict(zip(map(str, s.years), s.officers_in_post()))
    return [
        *comment("The force's target under a national officer uplift programme (officers); 0 where there "
                 "is none."),
        *assumption("uplift_target_officers", "Officer uplift target.", "officers",
                    f"{PLACEHOLDER}the Home Office's uplift allocation for the force, or 0", 0.0),
        "",
        *comment("Officers the plan adds: to neighbourhood policing, or through an uplift, whichever officers "
                 "the plan commits to add (the field keeps the name neighbourhood either way). The commitment "
                 "that levers.officer_commitment names in plan.yaml costs them (its officer_fte in "
                 "commitment_costs.csv), and the scenario explorer's officers lever phases them."),
        *assumption("neighbourhood_officer_target", "Officers to be added to neighbourhood policing.", "officers",
                    f"{PLACEHOLDER}the plan's own commitment", float(NEIGHBOURHOOD_OFFICERS)),
        "",
        *comment("How many of them are in post at each year end (cumulative)."),
        *series("neighbourhood_officers_in_post", "Neighbourhood officers added and in post at each year end.",
                "officers", f"{PLACEHOLDER}the force's workforce plan", in_post),
        "",
        *comment(f"Usable reserves at the start of {first} (GBP)."),
        *assumption("reserves_opening", f"Usable reserves at 1 April {s.first_year.start}.", "GBP",
                    f"{PLACEHOLDER}the statement of accounts for {s.first_year - 1} (usable reserves at 31 "
                    "March) or the reserves strategy", 30e6, year=first),
        "",
        *comment("The prudent minimum general reserve (GBP); `planlib run` flags a year that ends below it."),
        *assumption("minimum_reserves", "Prudent minimum general reserve.", "GBP",
                    f"{PLACEHOLDER}the reserves strategy (the Chief Finance Officer's assessment)", 10e6),
        "",
        *comment("Planned draw on reserves each year (GBP): positive funds spending, negative adds to reserves."),
        *series("planned_use_of_reserves", "Planned use of reserves.", "GBP",
                f"{PLACEHOLDER}the MTFP and the reserves strategy", _flat(s, 0.0)),
    ]


def finance_yaml(settings: NewPlanSettings) -> str:
    """The text of a new plan's ``finance.yaml``: every field commented, every number a placeholder.

    >>> from planlib.io.new_plan_settings import new_plan_settings
    >>> text = finance_yaml(new_plan_settings("Gwent", "2025/26", 3))
    >>> "precept_band_d_base" in text, text.count("status: illustrative") > 20
    (True, True)
    """
    return "\n".join([
        *comment(_HEADER), "",
        f"price_base_year: {quoted(str(settings.first_year))}   # the year whose prices real-terms results use",
        "",
        *_funding(settings), "",
        *_costs(settings), "",
        *_officers_and_reserves(settings),
    ]) + "\n"
