"""Write ``scenarios/households-template.xlsx``, the household sheet of the grid register.

Run from the repository: ``python scripts/households_template.py``.
"""

from pathlib import Path

from dispatch.scenario.household_template import households_template_xlsx

TARGET = Path(__file__).resolve().parents[1] / "scenarios" / "households-template.xlsx"

if __name__ == "__main__":
    TARGET.write_bytes(households_template_xlsx())
    print(TARGET)
