"""How far from home children are placed (P2.3): the DfE's straight-line distance between the home postcode
(HOME_POST) and the placement postcode (PL_POST), in miles, as 903 extracts carry it in PL_DISTANCE.

Where the extract has no PL_DISTANCE, it is worked out from HOME_POST and PL_POST when a table of postcode
centroids (postcode, latitude, longitude; e.g. the ONS postcode directory, or outward codes) is supplied: the
great-circle (haversine) distance between the two centroids. Without either the measure is blank.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalysis.errors import InputError
from cpanalysis.population import cla_at

FAR = 20.0  # miles
EARTH_RADIUS_MILES = 3958.8


def _postcode(s: pd.Series) -> pd.Series:
    return s.astype("string").str.upper().str.replace(r"\s+", "", regex=True)


def haversine_miles(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in miles between points given in degrees."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(a))


def distances(episodes: pd.DataFrame, centroids: pd.DataFrame | None = None) -> pd.Series:
    """Miles from home to placement for each episode: PL_DISTANCE where given, else from HOME_POST / PL_POST and
    `centroids` (columns postcode, latitude, longitude); NaN where neither is known."""
    miles = pd.to_numeric(episodes.get("PL_DISTANCE", pd.Series(np.nan, index=episodes.index)), errors="coerce")
    if centroids is not None and {"HOME_POST", "PL_POST"} <= set(episodes.columns):
        if not {"postcode", "latitude", "longitude"} <= set(centroids.columns):
            raise InputError("the postcode centroid table needs columns postcode, latitude, longitude")
        c = centroids.assign(postcode=_postcode(centroids["postcode"])).drop_duplicates("postcode")
        c = c.set_index("postcode")
        home, place = _postcode(episodes["HOME_POST"]), _postcode(episodes["PL_POST"])
        worked = haversine_miles(
            home.map(c["latitude"]), home.map(c["longitude"]), place.map(c["latitude"]), place.map(c["longitude"])
        )
        miles = miles.fillna(pd.Series(worked, index=episodes.index))
    return miles


def has_distance(episodes: pd.DataFrame, centroids: pd.DataFrame | None = None) -> bool:
    """Whether the distance can be known at all: a PL_DISTANCE column with values, or postcodes and centroids."""
    if "PL_DISTANCE" in episodes and pd.to_numeric(episodes["PL_DISTANCE"], errors="coerce").notna().any():
        return True
    return centroids is not None and {"HOME_POST", "PL_POST"} <= set(episodes.columns)


def placed_far(episodes: pd.DataFrame, date: pd.Timestamp, centroids: pd.DataFrame | None = None) -> dict[str, float]:
    """P2.3 at `date`: of the children looked after then (cla_at) whose distance is known (distances), how many are
    placed more than 20 miles from home: distance_known, placed_over_20_miles_n, placed_over_20_miles_pct."""
    eps = episodes.assign(MILES=distances(episodes, centroids))
    cla = cla_at(eps, date).merge(eps[["CHILD", "DECOM", "MILES"]], on=["CHILD", "DECOM"], how="left")
    known = cla["MILES"].notna()
    far = int((cla["MILES"] > FAR).sum())
    n = int(known.sum())
    return {
        "distance_known": n,
        "placed_over_20_miles_n": far,
        "placed_over_20_miles_pct": round(100 * far / n, 1) if n else float("nan"),
    }
