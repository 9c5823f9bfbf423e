"""save_plan then load_plan gives back the same plan: the example, and generated valid plans."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import planlib
from planlib.model import Plan

# Text a person might type, including what trips YAML and CSV up: quotes, commas, colons,
# leading dashes, '#', newlines, words YAML 1.1 reads as booleans or numbers, and non-ASCII.
awkward = st.sampled_from(["yes", "no", "null", "~", "1e3", "2021/22", "0x1F", "- item", "#hash",
                           'say "hi"', "a, b", "key: value", "£1.2m", "Ünïcödé", "line\nbreak", "tab\there"])
texts = st.one_of(
    awkward,
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=25),
).filter(lambda s: s.strip() != "")
money = st.floats(0, 50e9, allow_nan=False, allow_infinity=False)  # within the plausible bounds
shares = st.floats(0, 1, allow_nan=False)
grades = st.integers(1, 6)
statuses = st.sampled_from(["verified", "estimate", "illustrative", "unverified"])


def _switch_off_what_lost_its_dependencies(commitments: list[dict]) -> None:
    """A plan never counts a commitment without what it depends on: a drawn plan that switched
    off a dependency switches its dependants off too (and keeps what a statutory duty needs on)."""
    by_id = {c["id"]: c for c in commitments}
    needed = [c for c in commitments if c.get("mandatory")]
    while needed:
        c = needed.pop()
        c["enabled"] = True
        needed += [by_id[d] for d in c.get("depends_on", ()) if d in by_id and not by_id[d]["enabled"]]
    changed = True
    while changed:
        changed = False
        for c in commitments:
            if c["enabled"] and any(d in by_id and not by_id[d]["enabled"] for d in c.get("depends_on", ())):
                c["enabled"], changed = False, True


@st.composite
def plans(draw, base: Plan) -> Plan:
    data = base.model_dump()
    years = [str(y) for y in base.years]
    for key in ("name", "police_area", "version", "description"):
        data[key] = draw(texts)
    for c in data["commitments"]:
        c["title"] = draw(texts)
        c["owner"] = draw(texts)
        c["description"] = draw(st.one_of(st.just(""), texts))
        c["enabled"] = draw(st.booleans())
        chosen = draw(st.lists(st.sampled_from(years), unique=True, max_size=len(years)))
        c["costs"] = [
            {"year": y, "non_pay_gbp": draw(money), "capital_gbp": draw(money),
             "officer_fte": draw(st.floats(0, 5000)), "staff_fte": draw(st.floats(0, 5000)),
             "source": draw(texts), "status": draw(statuses), "confidence": draw(grades)}
            for y in chosen
        ]
        c["equality_impact"]["notes"] = draw(st.one_of(st.just(""), texts))
    _switch_off_what_lost_its_dependencies(data["commitments"])
    for a in data["assumptions"]:
        low = draw(shares)
        a.update(low=low, high=draw(st.floats(low, 1)), value=None, source=draw(texts), status=draw(statuses))
    grant = data["finance"]["police_grant"]
    for y in years:
        entry = grant["values"][y]  # a bare number when it takes the series' provenance
        grant["values"][y] = {**(entry if isinstance(entry, dict) else {}), "value": draw(money),
                              "status": draw(statuses), "source": draw(texts)}
    for g in data["grants"]:
        g["amounts"] = {y: draw(money) for y in years}
        g["conditions"] = draw(st.lists(texts, max_size=3))
    for e in data["timeline"]:
        # the election on election_date, every later step after it (other orders are errors)
        election = data["election_date"]
        start = election if e["kind"] == "election" else draw(st.dates(election, dt.date(2040, 1, 1)))
        e["start"] = start
        e["end"] = draw(st.one_of(st.none(), st.dates(start, dt.date(2041, 1, 1))))
        e["title"] = draw(texts)
    for row in data["kpi_actuals"]:
        row["value"] = draw(st.floats(-1e9, 1e9))
        row["source"] = draw(texts)
    for la in data["local_authorities"]:
        la["population"] = draw(st.floats(0, 1e8))
        la["status_note"] = draw(st.one_of(st.just(""), texts))
    for u in data["unit_costs"]:
        u["unit_cost_gbp"] = draw(st.floats(0, 100e6))  # the bound of one offence's cost
        u["source"] = draw(texts)
    return Plan.model_validate(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_plans_survive_save_then_load(data, minimal_plan):
    plan = data.draw(plans(minimal_plan))
    with tempfile.TemporaryDirectory() as folder:
        planlib.save_plan(plan, folder)
        assert planlib.validate(folder) == []
        assert planlib.load_plan(folder) == plan


def test_example_plan_survives_save_then_load(example_plan, tmp_path):
    planlib.save_plan(example_plan, tmp_path / "copy")
    again = planlib.load_plan(tmp_path / "copy")
    assert again == example_plan
    # and saving the copy gives the same files, byte for byte
    planlib.save_plan(again, tmp_path / "copy2")
    for file in sorted((tmp_path / "copy").iterdir()):
        assert file.read_bytes() == (tmp_path / "copy2" / file.name).read_bytes(), file.name


def test_save_is_atomic_when_a_write_fails(minimal_plan, tmp_path, monkeypatch):
    folder = tmp_path / "plan"
    planlib.save_plan(minimal_plan, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    changed = minimal_plan.model_copy(update={"name": "A new name"})
    calls = {"n": 0}
    real_replace = os.replace

    def failing_replace(src, dst):
        calls["n"] += 1
        if Path(dst).name == "finance.yaml":
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        planlib.save_plan(changed, folder)
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert set(after) == set(before), "a temporary file was left behind"
    assert after["finance.yaml"] == before["finance.yaml"]
    for name, content in after.items():
        assert content in (before[name], (folder / name).read_bytes())
    assert planlib.validate(folder) == []  # every file is whole, old or new
