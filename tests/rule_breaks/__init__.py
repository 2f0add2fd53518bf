"""Break-once cases, one module per rules module; `BREAKS` is all of them."""

from rule_breaks import adoption, episodes, header, leavers, missing, prev_perm, reviews, uasc

BREAKS = {
    **adoption.BREAKS,
    **episodes.BREAKS,
    **header.BREAKS,
    **leavers.BREAKS,
    **missing.BREAKS,
    **reviews.BREAKS,
    **prev_perm.BREAKS,
    **uasc.BREAKS,
}
