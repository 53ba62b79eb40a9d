"""Build sim/data/boundaries.geojson from the Natural Earth files shipped in the geopandas 0.14.4 wheel.

Natural Earth (public domain) admin-0 countries at 1:110m give the outlines; states too small for that
scale are drawn as markers at their capitals, taken from Natural Earth's populated places shipped in the
same wheel (two capitals it lacks are given below). Run once when the data are refreshed:

    pip download --no-deps geopandas==0.14.4 && pip install pyshp
    python tools/natural_earth.py geopandas-0.14.4-py3-none-any.whl sim/data/boundaries.geojson
"""

import csv
import io
import json
import sys
import zipfile
from pathlib import Path

import shapefile  # pyshp

DATASETS = "geopandas/datasets"
DECIMALS = 2  # about 1 km: finer than the 1:110m outlines themselves
CAPITALS = {  # states without a 1:110m outline -> their capital's name in naturalearth_cities
    "AND": "Andorra", "ATG": "Saint John's", "BHR": "Manama", "BRB": "Bridgetown", "CPV": "Praia",
    "COM": "Moroni", "DMA": "Roseau", "GRD": "Saint George's", "KIR": "Tarawa", "LIE": "Vaduz",
    "MDV": "Malé", "MLT": "Valletta", "MHL": "Majuro", "MUS": "Port Louis", "FSM": "Palikir",
    "MCO": "Monaco", "PLW": "Melekeok", "KNA": "Basseterre", "LCA": "Castries", "VCT": "Kingstown",
    "WSM": "Apia", "SMR": "San Marino", "STP": "São Tomé", "SYC": "Victoria", "SGP": "Singapore",
    "TON": "Nuku'alofa", "TUV": "Funafuti",
}
NOT_IN_CITIES = {  # (lon, lat) of capitals missing from naturalearth_cities: public record, not re-checked
    "NRU": (166.92, -0.55),  # Yaren
    "COK": (-159.78, -21.21),  # Avarua
}


def _reader(wheel: zipfile.ZipFile, name: str) -> shapefile.Reader:
    stem = f"{DATASETS}/{name}/{name}"
    encoding = wheel.read(f"{stem}.cpg").decode("ascii").strip()  # the shipped files say ISO-8859-1
    return shapefile.Reader(**{part: io.BytesIO(wheel.read(f"{stem}.{part}")) for part in ("shp", "shx", "dbf")},
                            encoding=encoding)


def _rounded(coordinates: object) -> object:
    if isinstance(coordinates[0], (int, float)):
        return [round(coordinates[0], DECIMALS), round(coordinates[1], DECIMALS)]
    return [_rounded(part) for part in coordinates]


def build(wheel_path: Path, states_csv: Path) -> dict:
    """A GeoJSON FeatureCollection: an outline or a capital marker for each state, other land as `territory`."""
    states = {row["iso3"]: row["name"] for row in csv.DictReader(states_csv.open(encoding="utf-8"))}
    with zipfile.ZipFile(wheel_path) as wheel:
        countries, cities = _reader(wheel, "naturalearth_lowres"), _reader(wheel, "naturalearth_cities")
        capitals = {record["name"]: shape.points[0] for record, shape in
                    zip(cities.records(), cities.shapes())}
        features = []
        for record, shape in zip(countries.records(), countries.shapes()):
            if record["continent"] == "Antarctica":
                continue
            code = record["iso_a3"]
            kind = "state" if code in states else "territory"
            features.append({"type": "Feature", "properties": {"iso3": code if kind == "state" else "",
                                                               "name": record["name"], "kind": kind},
                             "geometry": {"type": shape.__geo_interface__["type"],
                                          "coordinates": _rounded(shape.__geo_interface__["coordinates"])}})
    drawn = {f["properties"]["iso3"] for f in features}
    for code in sorted(set(states) - drawn):
        lon, lat = NOT_IN_CITIES[code] if code in NOT_IN_CITIES else capitals[CAPITALS[code]]
        features.append({"type": "Feature", "properties": {"iso3": code, "name": states[code], "kind": "marker"},
                         "geometry": {"type": "Point", "coordinates": [round(lon, DECIMALS), round(lat, DECIMALS)]}})
    return {"type": "FeatureCollection", "features": features}


if __name__ == "__main__":
    wheel, out = Path(sys.argv[1]), Path(sys.argv[2])
    collection = build(wheel, out.parent / "states.csv")
    out.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
