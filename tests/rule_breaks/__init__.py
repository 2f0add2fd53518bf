"""Break-once cases, one module per rules module; `BREAKS` is all of them."""

from rule_breaks import adoption, episodes, header, leavers, missing, reviews

BREAKS = {
    **adoption.BREAKS,
    **episodes.BREAKS,
    **header.BREAKS,
    **leavers.BREAKS,
    **missing.BREAKS,
    **reviews.BREAKS,
}
