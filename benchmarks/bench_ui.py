"""Slider to redraw in the scenario explorer, in Python: a precept change to the charts' update.

The subject is the Python work a kernel does when a board member moves the 2023/24 precept
slider of the scenario explorer (:class:`planlib.ui.scenario_explorer.ScenarioExplorer`): the
change arrives as the browser sends it (``set_state({"value": ...})`` on the control, as the
kernel's comm handler calls it), the scenario is recomputed and every readout, table and chart
widget is updated. Each widget update is serialised to JSON as the kernel would send it (a comm
that encodes its messages, in place of the kernel's), so the cost of the messages is counted.

The baseline is the same change on a trivial app: an ipywidgets slider whose observer writes its
value into an HTML widget. The two are timed in alternation in the same run (goal: the
explorer's update under 250 ms). What the browser then does with the messages (drawing the
chart) is measured by :mod:`benchmarks.bench_apps`.
"""

from __future__ import annotations

import json
from typing import Any

from benchmarks.harness import Case

GOAL_MS = 250


def _encoding_comms() -> None:
    """Make every new widget's comm encode what it sends as JSON, as a kernel's session does."""
    import comm
    from comm.base_comm import BaseComm
    from jupyter_client.jsonutil import json_default

    class EncodingComm(BaseComm):
        sent_bytes = 0

        def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None, buffers: Any = None,
                        **keys: Any) -> None:
            EncodingComm.sent_bytes += len(json.dumps({"data": data, "metadata": metadata or {}},
                                                      default=json_default))

    comm.create_comm = lambda *args, **kwargs: EncodingComm(*args, **kwargs)


def _toggler(control: Any, low: float, high: float):
    """A callable that sends ``control`` high, then low, then high... as the browser would."""
    state = {"next": high}

    def change() -> None:
        value = state["next"]
        control.set_state({"value": value})
        state["next"] = low if value == high else high

    return change


def cases() -> list[Case]:
    import ipywidgets as widgets

    import planlib
    from planlib.ui.scenario_explorer import ScenarioExplorer

    _encoding_comms()
    plan = planlib.load_plan(planlib.DEFAULT_PLAN)
    explorer = ScenarioExplorer(plan)
    year = "2023/24" if "2023/24" in explorer.precept else next(iter(explorer.precept))
    slider = explorer.precept[year]
    before = slider.value
    gap = explorer.result.measure("budget_gap")[year]
    _toggler(slider, before, before + 1.0)()
    if explorer.result.measure("budget_gap")[year] >= gap:  # the change must reach the result
        raise RuntimeError("a precept change did not change the explorer's budget gap")
    slider.set_state({"value": before})

    bare = widgets.FloatSlider(value=15.0, min=0.0, max=30.0, step=0.5, description="x")
    echo = widgets.HTML("<p>15.0</p>")
    bare.observe(lambda change: setattr(echo, "value", f"<p>{change['new']:.1f}</p>"), names="value")

    return [Case(f"slider to redraw: scenario explorer, {year} precept (Python)",
                 _toggler(slider, before, before + 1.0),
                 "slider to echo: bare ipywidgets (Python)", _toggler(bare, 15.0, 15.5),
                 goal=f"under {GOAL_MS} ms", min_runs=20, budget_s=3.0)]
