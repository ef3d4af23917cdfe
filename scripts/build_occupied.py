"""Build data/occupied_areas.geojson from Natural Earth 4.0.0's breakaway and disputed areas.

Four outlines, each clipped to the state that claims it (data/boundaries.gpkg, full resolution):
the 2015-2022 Donbas areas (Ukraine), Abkhazia and South Ossetia (Georgia) and Transnistria
(Moldova). Crimea is not taken from here: it is the ``UKR-CRIMEA`` subunit of the boundaries.
What each area means, and from which date it is drawn, is in data/occupied_areas.csv (sourced,
written by hand); every change made here is listed in data/README.md. Re-run with
``python scripts/build_occupied.py``: the output is byte-for-byte the same for the same input.
"""

import argparse
import json
import sys
from pathlib import Path

import geopandas as gpd
import shapely
from checksums import sha256, write_sum  # scripts/ is on sys.path when a script runs

from geo.boundaries import FILENAME
from geo.crs import WGS84
from geo.measure import area_km2
from layers.thematic.occupation import AREAS_GEOJSON

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "natural-earth-4.0.0-disputed"
SOURCES = {
    "crimea_donbas.geojson": "e0a14e94c89b587b766e257870c4a851b2405c3c878701dff24e2ff41ee45297",
    "georgia_moldova.geojson": "9767ea0ea324ea1f423d9815376aed1999b13db91cdbdbe0bc127e3245fae65e",
}
BOUNDARIES = REPO / "data" / FILENAME
OUTPUT = REPO / "data" / AREAS_GEOJSON

#: Natural Earth's BRK_A3 -> (our id, the state that claims the area).
KEEP = {
    "B90": ("UKR-DONBAS", "UKR"),
    "B35": ("GEO-ABKHAZIA", "GEO"),
    "B37": ("GEO-SOUTH-OSSETIA", "GEO"),
    "B36": ("MDA-TRANSNISTRIA", "MDA"),
}
#: Natural Earth's own properties kept on each feature, renamed.
NE_PROPERTIES = {
    "BRK_NAME": "ne_name",
    "BRK_A3": "ne_brk_a3",
    "TYPE": "ne_type",
    "NOTE_BRK": "ne_note",
}
#: About 1 m: far finer than the 1:10m source, and it keeps the file small.
GRID = 1e-5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder of the files")
    args = parser.parse_args(argv)

    frames = []
    for name, digest in SOURCES.items():
        path = args.source / name
        if sha256(path) != digest:
            print(f"warning: {name} is not the file data/README.md describes")
        frames.append(gpd.read_file(path).set_crs(WGS84, allow_override=True))
    source = gpd.GeoDataFrame([row for frame in frames for _, row in frame.iterrows()], crs=WGS84)
    countries = gpd.read_file(BOUNDARIES, layer="countries").set_index("iso3")

    features = []
    for _, row in source.iterrows():
        if row["BRK_A3"] not in KEEP:
            continue
        area_id, iso3 = KEEP[row["BRK_A3"]]
        raw = shapely.make_valid(row.geometry)
        clipped = shapely.intersection(raw, countries.at[iso3, "geometry"])
        clipped = shapely.set_precision(clipped, GRID)
        polygons = [g for g in shapely.get_parts(clipped) if g.geom_type == "Polygon"]
        geom = shapely.orient_polygons(shapely.MultiPolygon(polygons))
        if not geom.is_valid or geom.is_empty:
            sys.exit(f"{area_id}: invalid or empty after clipping to {iso3}")
        before, after = area_km2(raw), area_km2(geom)
        print(f"{area_id}: {before:,.0f} km2 in the source, {after:,.0f} km2 inside {iso3}")
        properties = {"id": area_id, "iso3": iso3}
        properties |= {new: row[old] for old, new in NE_PROPERTIES.items()}
        properties["area_km2"] = round(after)
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": json.loads(shapely.to_geojson(geom)),
            }
        )
    features.sort(key=lambda f: f["properties"]["id"])
    collection = {"type": "FeatureCollection", "features": features}
    OUTPUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")

    digest = write_sum(OUTPUT)
    print(f"{OUTPUT.stat().st_size:,} bytes")
    print(f"{digest}  {OUTPUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
