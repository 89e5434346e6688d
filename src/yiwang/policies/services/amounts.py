"""Money of 免申即享: amounts in yuan, to the fen."""

from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")


def to_fen(value: float) -> Decimal:
    """An amount in yuan, rounded to the fen."""
    return Decimal(str(round(float(value), 2))).quantize(CENT)
