"""A plan folder as a whole: the plan and the side files beside it.

Beside the plan's own files a folder may hold the horizon scanning register, the financial
implications settings and a consultation, each read by :mod:`planlib.io.plan_folder` and
checked against the plan. :class:`PlanFolder` holds them together; a part the folder does not
have (or that was not asked for) is None.

>>> import planlib
>>> folder = PlanFolder(plan=planlib.load_plan(planlib.DEFAULT_PLAN))
>>> folder.horizon is None and folder.implications is None and folder.consultation is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

from planlib.model.consultation import Consultation
from planlib.model.horizon import HorizonRegister
from planlib.model.implications import ImplicationSettings
from planlib.model.panel_response import PanelResponse
from planlib.model.plan import Plan


@dataclass(frozen=True)
class PlanFolder:
    """The plan of a folder with its horizon scanning register, implications settings and consultation.

    Attributes
    ----------
    plan : Plan
    horizon : HorizonRegister or None
        From ``horizon.yaml``.
    implications : ImplicationSettings or None
        From ``implications.yaml``.
    consultation : Consultation or None
        From the ``consultation/`` folder.
    panel_response : PanelResponse or None
        From ``panel_response.yaml``: the Panel's report on the draft and the Commissioner's response.
    """

    plan: Plan
    horizon: HorizonRegister | None = None
    implications: ImplicationSettings | None = None
    consultation: Consultation | None = None
    panel_response: PanelResponse | None = None
