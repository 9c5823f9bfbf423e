"""The West Midlands example reconciled with the published budget (data/README.md, "Reconciliation
with the published budget").

Three checks, each a table:

- **the anchor year**: the PCC's 2020/21 budget leaflet ("Finances 2020-2021") gives every
  funding line; planlib's own arithmetic (the finance engine and the precept schedule) on those
  lines must give the leaflet's totals;
- **the plan years**: the example's net budget requirement (its funding before reserves) against
  the net budget requirement or net revenue budget published for the year, where one was found.
  The difference must be the one data/README.md explains: the lines it names, plus a residual it
  states, within a tolerance set by the rounding of the published figure and of the stated
  residual. A year with no published budget must still have its paragraph in data/README.md;
- **the tax base**: each year's estimate follows the derivation finance.yaml states, from the
  published tax bases of Birmingham and Coventry and the leaflet's 2019/20 council tax
  requirement.

When a change to the example moves its funding, these fail until data/README.md explains the new
difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import planlib
from planlib.finance import mtfp_arrays
from planlib.formats import money
from planlib.model.base import DatedValue, SignedYearSeries, YearSeries
from planlib.model.plan import Period
from planlib.precept import precept_year
from planlib.types import FinancialYear

README = Path(__file__).resolve().parents[1] / "data" / "README.md"
SECTION = "#### Reconciliation with the published budget"

LEAFLET = "West Midlands PCC leaflet 'Finances 2020-2021'"
ANCHOR = FinancialYear("2020/21")

# --------------------------------------------------------------------------- the anchor: 2020/21

LEAFLET_LINES = {  # GBP; the leaflet's funding lines (verified), placed as data/README.md says
    "police_grant": 466.50e6,              # "Police grant inc. DCLG": one line, so police_grant alone
    "council_tax_support_grant": 19.03e6,
    "pension_grant": 6.96e6,
    "collection_fund": 1.17e6,             # surplus
    "planned_use_of_reserves": 3.48e6,
}
LEAFLET_BAND_D_2019_20, LEAFLET_INCREASE, LEAFLET_LIMIT = 152.55, 10.0, 10.0
LEAFLET_TAX_BASE = 116.98e6 / 162.55      # derived, about 719,655 (the leaflet gives no tax base)


@dataclass(frozen=True)
class Total:
    """A total the leaflet publishes and the planlib measure that must give it."""

    measure: str
    published: float                       # GBP
    tolerance: float                       # GBP: the rounding of the leaflet's lines that add up to it


LEAFLET_TOTALS = [
    Total("council_tax_requirement", 116.98e6, 0.01e6),   # 116.98 is rounded; the tax base derived from it
    Total("total_precept", 118.15e6, 0.01e6),             # the leaflet's "gross precept"
    Total("net_budget_requirement", 610.64e6, 0.03e6),    # five lines, each to £0.01m
    Total("total_funding", 614.12e6, 0.035e6),            # "total net expenditure": with the £3.48m of reserves
]


def _series(value: float, unit: str = "GBP", signed: bool = False) -> YearSeries:
    kind = SignedYearSeries if signed else YearSeries
    return kind(unit=unit, source=LEAFLET, confidence=2, status="verified", values={str(ANCHOR): value})


def leaflet_plan(example: planlib.Plan) -> planlib.Plan:
    """The example with one year, 2020/21, funded by the leaflet's lines.

    Only the funding is the leaflet's: the cost series keep the example's 2021/22 figures (moved
    to 2020/21 so that the engine runs) and no test reads them.
    """
    f = example.finance
    first = example.years[0]
    moved = {name: getattr(f, name).model_copy(update={"values": {ANCHOR: getattr(f, name).values[first]}})
             for name in f.REQUIRED_EVERY_YEAR}
    finance = f.model_copy(update={
        **moved,
        **{name: _series(LEAFLET_LINES[name]) for name in ("police_grant", "council_tax_support_grant", "pension_grant")},
        "collection_fund": _series(LEAFLET_LINES["collection_fund"], signed=True),
        "planned_use_of_reserves": _series(LEAFLET_LINES["planned_use_of_reserves"], signed=True),
        "other_grants": {},
        "precept_band_d_base": DatedValue(year="2019/20", value=LEAFLET_BAND_D_2019_20, unit="GBP on Band D",
                                          source=LEAFLET, confidence=2, status="verified"),
        "precept_increase": _series(LEAFLET_INCREASE, "GBP on Band D"),
        "referendum_limit": _series(LEAFLET_LIMIT, "GBP on Band D"),
        "tax_base": _series(LEAFLET_TAX_BASE, "Band D equivalent properties"),
        "billing_authorities": (),
    })
    return example.model_copy(update={"period": Period(first=ANCHOR, last=ANCHOR), "finance": finance})


@pytest.mark.parametrize("total", LEAFLET_TOTALS, ids=lambda t: t.measure)
def test_the_leaflets_lines_give_its_totals_by_planlibs_arithmetic(example_plan, total):
    plan = leaflet_plan(example_plan)
    assert mtfp_arrays(plan)[total.measure][0] == pytest.approx(total.published, abs=total.tolerance)


def test_the_precept_schedule_gives_the_leaflets_bands_and_precept(example_plan):
    year = precept_year(leaflet_plan(example_plan), ANCHOR)
    assert float(year.band_d) == 162.55
    assert [float(year.bands[b]) for b in "ABC"] == [108.37, 126.43, 144.49]        # the leaflet's bands A-C
    assert float(year.total_precept) == pytest.approx(118.15e6, abs=0.01e6)


# --------------------------------------------------------------------------- the plan years


@dataclass(frozen=True)
class Published:
    """What was published for a year of the plan, and the difference data/README.md explains."""

    year: str
    figure: float | None = None            # GBP; None: no budget was found
    what: str = ""
    source: str = ""
    lower_bound: bool = False              # "more than £...": the example must be at least this
    explained_by: tuple[str, ...] = ()     # finance measures the example counts and the published figure does not
    residual: float = 0.0                  # GBP: the rest, as data/README.md states it
    tolerance: float = 0.0                 # GBP: rounding of the published figure and of the stated residual
    words: tuple[str, ...] = field(default=())   # what the year's paragraph of data/README.md must say


PUBLISHED = [
    Published("2021/22", words=("no net budget requirement was found",)),
    Published("2022/23", 686.8e6, "net revenue budget", "Express & Star, 31 Jan 2022 (press)",
              explained_by=("other_grants",), residual=10.1e6, tolerance=0.05e6 + 0.05e6,
              words=("not explained by published figures",)),
    Published("2023/24", words=("no budget was found",)),
    Published("2024/25", 650e6, "total budget, 'more than £650 million'", "Express & Star, 11 Oct 2024 (press)",
              lower_bound=True, words=("a lower bound",)),
]


def readme_paragraph(year: str) -> str:
    """The year's paragraph under "Every remaining difference" in data/README.md."""
    text = README.read_text(encoding="utf-8")
    assert SECTION in text, f"data/README.md has no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n### ", 1)[0]
    start = section.index(f"- **{year}:")
    end = section.find("\n- **", start + 1)
    return section[start:end if end >= 0 else None]


def test_the_table_covers_every_year_of_the_plan(example_plan):
    assert [p.year for p in PUBLISHED] == [str(y) for y in example_plan.years]


@pytest.mark.parametrize("published", PUBLISHED, ids=lambda p: p.year)
def test_the_examples_funding_against_the_published_budget(example_plan, published):
    result = planlib.run(example_plan)
    funding = result.measure("net_budget_requirement")[published.year]
    paragraph = readme_paragraph(published.year)
    assert all(w in paragraph for w in published.words), paragraph
    if published.figure is None:
        return
    if published.lower_bound:
        assert funding >= published.figure
        return
    difference = funding - published.figure
    explained = {m: result.measure(m)[published.year] for m in published.explained_by}
    assert difference - sum(explained.values()) == pytest.approx(published.residual, abs=published.tolerance), (
        f"{published.year}: the example's {money(funding)} against the published {money(published.figure)} "
        f"({published.what}, {published.source}) differs by {money(difference)}, of which "
        f"{money(difference - sum(explained.values()))} is unexplained: data/README.md says {money(published.residual)}")
    for amount in (difference, *explained.values(), published.residual):
        assert money(amount) in paragraph, f"data/README.md does not give {money(amount)} for {published.year}"



@dataclass(frozen=True)
class Grant:
    """A police grant figure published for a year, and how far the example's stands from it."""

    year: str
    published: float                       # GBP
    source: str
    difference: float                      # GBP: the example's less the published, as data/README.md states it


GRANTS = [
    Grant("2022/23", 559.4e6, "Express & Star, 31 Jan 2022 (press)", 0.0),
    Grant("2024/25", 629.2e6, "Express & Star, 11 Oct 2024 (press)", -17.2e6),   # the example keeps its forecast
]


@pytest.mark.parametrize("grant", GRANTS, ids=lambda g: g.year)
def test_the_examples_police_grant_against_the_published_settlement(example_plan, grant):
    ours = example_plan.finance.police_grant.value(grant.year)
    assert ours - grant.published == pytest.approx(grant.difference, abs=0.05e6)
    if grant.difference:
        section = README.read_text(encoding="utf-8").split(SECTION, 1)[1]
        assert money(abs(grant.difference)) in section and money(grant.published) in section

# --------------------------------------------------------------------------- the tax base

BIRMINGHAM = {"2019/20": 251_580.0, "2021/22": 253_995.0, "2024/25": 267_940.0}   # Cabinet reports
COVENTRY = {"2021/22": 82_717.1, "2022/23": 84_264.3, "2024/25": 87_734.0}        # Cabinet reports
TOTAL_2019_20 = 108.79e6 / 152.55          # the leaflet's 2019/20 council tax requirement / Band D

_2021_22 = TOTAL_2019_20 * BIRMINGHAM["2021/22"] / BIRMINGHAM["2019/20"]
_GROWTH = ((BIRMINGHAM["2024/25"] + COVENTRY["2024/25"]) / (BIRMINGHAM["2021/22"] + COVENTRY["2021/22"]))
DERIVED = {
    "2021/22": _2021_22,
    "2022/23": _2021_22 * _GROWTH ** (1 / 3),
    "2023/24": _2021_22 * _GROWTH ** (2 / 3),
    "2024/25": _2021_22 * _GROWTH,
}


@pytest.mark.parametrize("year", sorted(DERIVED))
def test_each_tax_base_follows_its_stated_derivation(example_plan, year):
    base = example_plan.finance.tax_base
    assert base.value(year) == round(DERIVED[year])
    entry = base.values[FinancialYear(year)]
    assert entry.status == "estimate" and entry.source.startswith("derived: ")


def test_the_2022_23_estimate_agrees_with_coventrys_growth():
    # The one year between the anchors with a published base: Coventry grew 1.87%, the estimate 1.84%.
    assert DERIVED["2022/23"] / DERIVED["2021/22"] == pytest.approx(COVENTRY["2022/23"] / COVENTRY["2021/22"], abs=0.001)
    assert not math.isclose(DERIVED["2022/23"], 930_000, rel_tol=0.2)   # nowhere near the old press-yield figure
