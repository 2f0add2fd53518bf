"""Break-once cases, one module per rules module; `BREAKS` is all of them."""

from rule_breaks import (
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

BREAKS = {
    **adoption.BREAKS,
    **episodes.BREAKS,
    **episodes_last_year.BREAKS,
    **header.BREAKS,
    **leavers.BREAKS,
    **legal_status.BREAKS,
    **missing.BREAKS,
    **oc2.BREAKS,
    **placed_adoption.BREAKS,
    **placements.BREAKS,
    **reviews.BREAKS,
    **prev_perm.BREAKS,
    **uasc.BREAKS,
}
