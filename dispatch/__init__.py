"""nuanliu-dispatch (暖流): route planning for community meal delivery."""

from dispatch.errors import (
    DispatchError,
    InputError,
    NotFoundError,
    PlanFormatError,
    ScenarioError,
)
from dispatch.model import Plan, Scenario
from dispatch.planning.day import plan_day
from dispatch.scenario import load_scenario, parse_scenario
from dispatch.verify import verify
from dispatch.version import __version__

__all__ = [
    "DispatchError",
    "InputError",
    "NotFoundError",
    "Plan",
    "PlanFormatError",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "parse_scenario",
    "plan_day",
    "verify",
]
