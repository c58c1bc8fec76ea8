"""What comes in: the scenario gate, what-if change files, client imports, ledger records."""
