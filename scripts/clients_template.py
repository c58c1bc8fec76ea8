"""Write ``scenarios/clients-template.xlsx``, the client sheet a canteen fills in.

Run from the repository: ``python scripts/clients_template.py``.
"""

from pathlib import Path

from dispatch.scenario.client_template import client_template_xlsx

TARGET = Path(__file__).resolve().parents[1] / "scenarios" / "clients-template.xlsx"

if __name__ == "__main__":
    TARGET.write_bytes(client_template_xlsx())
    print(TARGET)
