"""Shared kernel without domain knowledge: identifiers, working days, 国密 crypto, the audit ledger, errors."""
