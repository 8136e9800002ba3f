"""The headline question every uncertainty analysis shares with the showcase: the base scenario,
the three US postures it compares, and the outcomes it reports (with how each is read).

A module of its own, free of plotting, so the sensitivity workers that read these names do not
import matplotlib.
"""

from __future__ import annotations

__all__ = ["OUTCOMES", "POSTURES", "SCENARIO", "SHARES"]

SCENARIO = "status-quo-2022"
POSTURES = ("small-yard-high-fence", "maximal-embargo", "weaponized-interdependence")
SHARES = frozenset({"blockades"})
"""Outcomes shown as the share of runs in which they happened (Wilson CI), not as a mean count."""
OUTCOMES = {
    "self_sufficiency": "China's self-sufficiency (share, Oct 2026)",
    "leverage_at_crisis": "US leverage at the crisis (1 = 2022)",
    "blockades": "blockade frequency (share of runs)",
    "us_rd_funding_bn": "US chip R&D funded by sales (bn USD)",
    "smuggled_bn": "chips smuggled into China (bn USD)",
    "gdp_loss_bn.world": "world GDP lost to Oct 2026 (bn USD)",
    "gdp_loss_bn.china": "China's GDP lost to Oct 2026 (bn USD)",
    "gdp_loss_bn.us": "US GDP lost to Oct 2026 (bn USD)",
}
