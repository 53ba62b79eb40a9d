"""Country outlines for maps, from the boundaries shipped in the `countryinfo` package (GeoJSON, no
download at run time). States it has no outline for are placed at their coordinates instead."""

import functools

import numpy as np
from countryinfo import CountryInfo

from sim.data import datasets


@functools.cache
def outlines() -> dict[str, list[np.ndarray]]:
    """ISO3 -> exterior rings (arrays of lon, lat) for every state with an outline."""
    rings: dict[str, list[np.ndarray]] = {}
    for iso3 in datasets.states()["iso3"]:
        for feature in CountryInfo(iso3).geo_json().get("features", []):
            geometry = feature["geometry"]
            polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
            rings.setdefault(iso3, []).extend(np.asarray(polygon[0]) for polygon in polygons)
    return rings


@functools.cache
def points() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lon, lat) for states without an outline but with coordinates."""
    shaped = outlines()
    located = {}
    for iso3 in datasets.states()["iso3"]:
        if iso3 not in shaped:
            latlng = CountryInfo(iso3).latlng()
            if latlng:
                located[iso3] = (float(latlng[1]), float(latlng[0]))
    return located
