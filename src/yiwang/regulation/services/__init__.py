"""Operations of 互联网+监管: one module per concept (rosters, plans, draws, inspections, cases)."""
