"""The rule registry: importing this package registers every rule, one module per table (or group of tables).
The machinery (Return, Rule, RULES, rule, helpers) is in `core`."""

from cpanalysis.ssda903.rules import (  # noqa: F401  registers
    adoption,
    episodes,
    episodes_last_year,
    header,
    leavers,
    legal_status,
    missing,
    oc2,
    placed_adoption,
    placements,
    prev_perm,
    reviews,
    uasc,
)
from cpanalysis.ssda903.rules.core import RULES, Return, Rule, empty_table, flag, rule, show

__all__ = ["RULES", "Return", "Rule", "empty_table", "flag", "rule", "show"]
