"""What comes in: the scenario gate, what-if change files, client imports, ledger records."""

from dispatch.scenario.documents import read_document
from dispatch.scenario.gate import load_scenario, parse_scenario
from dispatch.scenario.json_schema import field_path, scenario_schema

__all__ = ["field_path", "load_scenario", "parse_scenario", "read_document", "scenario_schema"]
