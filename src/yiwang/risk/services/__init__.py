"""Business operations of 一网统管 risk: the monthly classification, leads and their closed loop, the graph reads."""
