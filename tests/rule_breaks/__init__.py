"""Break-once cases, one module per rules module; `BREAKS` is all of them."""

from rule_breaks import adoption, episodes, header, leavers, missing, oc2, placed_adoption, prev_perm, reviews, uasc

BREAKS = {
    **adoption.BREAKS,
    **episodes.BREAKS,
    **header.BREAKS,
    **leavers.BREAKS,
    **missing.BREAKS,
    **oc2.BREAKS,
    **placed_adoption.BREAKS,
    **reviews.BREAKS,
    **prev_perm.BREAKS,
    **uasc.BREAKS,
}
