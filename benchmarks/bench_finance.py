"""planlib.run for one scenario, against a plain pandas computation of the same MTFP table.

The plain version is what an analyst would write in a notebook: the inputs already in a
pandas frame by year, the same arithmetic as columns, then melted to the long form. It does
no scenario handling and no checks, so it is the floor for computing the table itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import planlib
from benchmarks.harness import Case
from planlib.finance import MEASURES


def _plain_inputs(plan: planlib.Plan) -> tuple[pd.DataFrame, dict[str, float]]:
    f = plan.finance
    years = [str(y) for y in plan.years]
    frame = pd.DataFrame(index=years)
    for name, series in f.series().items():
        frame["_".join(name)] = [series.values[planlib.FinancialYear(y)].central for y in years]
    for kind in ("non_pay_gbp", "capital_gbp", "officer_fte", "staff_fte"):
        frame[f"c_{kind}"] = [
            sum(getattr(l, kind) for c in plan.commitments if c.enabled for l in c.costs if str(l.year) == y)
            for y in years
        ]
    scalars = {
        "band_d_base": f.precept_band_d_base.central, "cpo": f.cost_per_officer.central,
        "oc": f.officer_on_costs.central, "cps": f.cost_per_staff.central, "sc": f.staff_on_costs.central,
        "reserves": f.reserves_opening.central, "minimum": f.minimum_reserves.central,
        "target": f.neighbourhood_officer_target.central, "uplift": f.uplift_target_officers.central,
    }
    return frame, scalars


def plain_pandas(frame: pd.DataFrame, k: dict[str, float]) -> pd.DataFrame:
    """The MTFP arithmetic written directly in pandas (inputs by year in ``frame``)."""
    out = pd.DataFrame(index=frame.index)
    out["police_grant"] = frame["police_grant"]
    out["other_grants"] = frame[[c for c in frame.columns if c.startswith("other_grants_")]].sum(axis=1)
    out["precept_increase"] = frame["precept_increase"]
    out["referendum_limit"] = frame["referendum_limit"]
    out["referendum_required"] = (frame["precept_increase"] > frame["referendum_limit"] + 1e-9).astype(float)
    out["precept_band_d"] = k["band_d_base"] + frame["precept_increase"].cumsum()
    out["tax_base"] = frame["tax_base"]
    out["precept_income"] = out["precept_band_d"] * out["tax_base"]
    out["use_of_reserves"] = frame["planned_use_of_reserves"]
    out["total_funding"] = out["police_grant"] + out["other_grants"] + out["precept_income"] + out["use_of_reserves"]
    pay = (1 + frame["pay_award"]).cumprod() / (1 + frame["pay_award"].iloc[0])
    non_pay = (1 + frame["non_pay_inflation"]).cumprod() / (1 + frame["non_pay_inflation"].iloc[0])
    out["baseline_force_costs"] = frame["baseline_force_costs"] * non_pay
    officers = frame["officer_fte"] + frame["c_officer_fte"]
    staff = frame["staff_fte"] + frame["c_staff_fte"]
    out["officer_costs"] = officers * k["cpo"] * (1 + k["oc"]) * pay
    out["staff_costs"] = staff * k["cps"] * (1 + k["sc"]) * pay
    out["commitment_non_pay"] = frame["c_non_pay_gbp"]
    out["commitment_capital"] = frame["c_capital_gbp"]
    out["total_cost"] = out[["baseline_force_costs", "officer_costs", "staff_costs", "commitment_non_pay"]].sum(axis=1)
    out["budget_gap"] = out["total_cost"] - out["total_funding"]
    out["reserves_closing"] = k["reserves"] - (out["use_of_reserves"] + out["budget_gap"]).cumsum()
    out["reserves_opening"] = out["reserves_closing"].shift(1).fillna(k["reserves"])
    out["minimum_reserves"] = k["minimum"]
    out["reserves_below_minimum"] = (out["reserves_closing"] < k["minimum"]).astype(float)
    out["officers_total"] = officers
    out["staff_total"] = staff
    out["officers_neighbourhood"] = frame["neighbourhood_officers_in_post"]
    out["neighbourhood_officer_target"] = k["target"]
    out["uplift_target_officers"] = k["uplift"]
    long = out[list(MEASURES)].reset_index(names="year").melt(id_vars="year", var_name="measure", value_name="value")
    long["unit"] = long["measure"].map(MEASURES)
    long.insert(0, "scenario", "baseline")
    return long


def cases() -> list[Case]:
    plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    scenario = planlib.Scenario.from_yaml(planlib.DEFAULT_PLAN / "scenarios" / "pay_award_plus_2.yaml")
    frame, scalars = _plain_inputs(scenario.apply(plan))
    # The two must agree, or the comparison means nothing.
    ours = planlib.run(plan, scenario).finance.sort_values(["measure", "year"]).reset_index(drop=True)
    theirs = plain_pandas(frame, scalars).sort_values(["measure", "year"]).reset_index(drop=True)
    np.testing.assert_allclose(ours["value"].to_numpy(), theirs["value"].to_numpy(), rtol=1e-9)
    return [
        Case("planlib.run(plan, scenario)", lambda: planlib.run(plan, scenario),
             "plain pandas MTFP (inputs ready)", lambda: plain_pandas(frame, scalars),
             goal="under 20 ms a run"),
    ]
