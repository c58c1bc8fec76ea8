"""Weather levels and the day's travel conditions: speeds, stop extras, how meals travel.

Levels are ``clear``, ``rain``, ``heavy_rain`` and the official warning signals
``rainstorm_*`` / ``typhoon_*`` (blue, yellow, orange, red). Each level has factors per
travel mode: a speed multiplier, extra seconds per stop (parking, rain gear, wet stairs
at the entrance) and extra seconds per floor climbed by stairs. Defaults come from
``../shared/research/domain.md`` §3 and §7.1 (platform delivery times +25–50 % in
rainstorms; walking ×0.8–0.9 in rain) and are overridable per scenario.

From a configurable level on (default rainstorm orange, typhoon yellow) riders stop
at relay points and grid workers walk the last leg; at red nobody rides.
``Conditions`` holds all of that for one day, built once per plan and handed down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from dispatch.model import Courier, Settings

COLOURS: tuple[str, ...] = ("blue", "yellow", "orange", "red")

Operation = Literal["direct", "relay", "walk_only"]


@dataclass(frozen=True, slots=True)
class ModeFactors:
    """How one level slows one travel mode."""

    speed: float = 1.0
    stop_s: int = 0
    floor_s: int = 0


def _same(ebike: ModeFactors, walk: ModeFactors, car: ModeFactors) -> dict[str, ModeFactors]:
    return {"ebike": ebike, "walk": walk, "car": car}


_RAIN = _same(ModeFactors(0.85, 30, 1), ModeFactors(0.9, 20, 1), ModeFactors(0.9, 30, 0))
_HEAVY = _same(ModeFactors(0.7, 60, 2), ModeFactors(0.8, 40, 2), ModeFactors(0.8, 60, 0))
_SEVERE = _same(ModeFactors(0.6, 90, 3), ModeFactors(0.75, 60, 3), ModeFactors(0.6, 90, 0))
_EXTREME = _same(ModeFactors(0.5, 120, 3), ModeFactors(0.7, 90, 3), ModeFactors(0.5, 120, 0))

DEFAULT_FACTORS: Mapping[str, Mapping[str, ModeFactors]] = {
    "clear": _same(ModeFactors(), ModeFactors(), ModeFactors()),
    "rain": _RAIN,
    "heavy_rain": _HEAVY,
    "rainstorm_blue": _HEAVY,
    "rainstorm_yellow": _same(
        ModeFactors(0.6, 90, 3), ModeFactors(0.8, 60, 2), ModeFactors(0.7, 90, 0)
    ),
    "rainstorm_orange": _SEVERE,
    "rainstorm_red": _EXTREME,
    "typhoon_blue": _HEAVY,
    "typhoon_yellow": _SEVERE,
    "typhoon_orange": _EXTREME,
    "typhoon_red": _EXTREME,
}

DEFAULT_RELAY_FROM: Mapping[str, str] = {"rainstorm": "orange", "typhoon": "yellow"}


def factors(
    level: str, overrides: Mapping[str, Mapping[str, Mapping[str, float]]]
) -> Mapping[str, ModeFactors]:
    """The factors per mode in force at ``level``, the scenario's overrides applied."""
    table = dict(DEFAULT_FACTORS[level])
    for mode, fields in overrides.get(level, {}).items():
        current = table[mode]
        table[mode] = ModeFactors(
            speed=float(fields.get("speed", current.speed)),
            stop_s=int(fields.get("stop_s", current.stop_s)),
            floor_s=int(fields.get("floor_s", current.floor_s)),
        )
    return table


def operation(level: str, relay_from: Mapping[str, str] = DEFAULT_RELAY_FROM) -> Operation:
    """How meals travel at ``level``: riders direct, riders to relay points, or on foot only."""
    kind, _, colour = level.partition("_")
    if colour == "red":
        return "walk_only"
    threshold = relay_from.get(kind)
    if (
        colour in COLOURS
        and threshold is not None
        and COLOURS.index(colour) >= COLOURS.index(threshold)
    ):
        return "relay"
    return "direct"


@dataclass(frozen=True)
class Conditions:
    """One day's weather as travel sees it: factors per mode, base speeds, the mode rule."""

    level: str
    operation: Operation
    factors: Mapping[str, ModeFactors]
    base_speed_kph: Mapping[str, float]

    @classmethod
    def of(cls, level: str, settings: Settings) -> Conditions:
        """The conditions at ``level`` under a scenario's settings (overrides, relay levels)."""
        return cls(
            level=level,
            operation=operation(level, settings.relay_from),
            factors=factors(level, settings.weather_overrides),
            base_speed_kph=settings.speed_kph,
        )

    def speed_kph(self, worker: Courier) -> float:
        """The worker's travel speed today: their own (or the mode's) speed × the weather's."""
        base = worker.speed_kph or self.base_speed_kph[worker.mode]
        return base * self.factors[worker.mode].speed

    def profile(self, worker: Courier) -> tuple[str, float]:
        """How the worker travels today: ``(mode, speed_kph)``."""
        return worker.mode, self.speed_kph(worker)

    def arrival_extra_s(self, mode: str, stairs_floors: int) -> int:
        """Seconds the weather adds at a stop: per stop, and per floor climbed by stairs."""
        mode_factors = self.factors[mode]
        return mode_factors.stop_s + mode_factors.floor_s * stairs_floors
