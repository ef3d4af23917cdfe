"""Build data/boundaries.gpkg from Natural Earth 1:10m countries (world-atlas 2.0.2).

Every change made to the source is listed in data/README.md; keep the two in step. Re-run with
``python scripts/build_boundaries.py``: the output is byte-for-byte the same for the same input and
library versions, and its sha256 goes to data/SHA256SUMS.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from checksums import sha256, write_sum  # scripts/ is on sys.path when a script runs
from shapely import MultiPolygon, Point, box
from shapely.geometry.base import BaseGeometry

from geo.boundaries import CRIMEA, FILENAME, KALININGRAD
from geo.crs import WGS84
from geo.measure import area_km2

try:
    import pycountry
except ImportError:  # pragma: no cover - build-only dependency
    sys.exit("pycountry is needed to build the boundaries: pip install -e '.[build]'")

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "world-atlas-2.0.2" / "countries-10m.json"
SOURCE_SHA256 = "3bc6f1d367a9bcec479841bae0e76092f512838411d0cef124e92eec4db45f79"
OUTPUT = REPO / "data" / FILENAME

#: lon_min, lat_min, lon_max, lat_max: Iceland to the Urals, the Mediterranean to the Barents Sea.
REGION = (-25.0, 34.0, 60.0, 72.0)

#: NATO members in Europe, and Turkey: kept whole, overseas parts and all.
# fmt: off
MEMBERS_IN_EUROPE = (
    "ALB", "BEL", "BGR", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GBR", "GRC", "HRV",
    "HUN", "ISL", "ITA", "LTU", "LUX", "LVA", "MKD", "MNE", "NLD", "NOR", "POL", "PRT", "ROU",
    "SVK", "SVN", "SWE", "TUR",
)
# fmt: on
BORDER_STATES = ("RUS", "BLR", "UKR", "MDA", "GEO")
KEEP_WHOLE = frozenset(MEMBERS_IN_EUROPE + BORDER_STATES)

#: Features without an ISO code in the source, by Natural Earth name.
NO_ISO_CODE = {
    "Kosovo": "XKX",  # the code the EU and the IMF use
    "N. Cyprus": "XNC",  # project-assigned
}
#: Separate features merged into the state that holds them, keyed by the feature's code or name.
FOLD_INTO = {
    "ALA": "FIN",  # Åland
    "FRO": "DNK",  # Faroe Islands
    "GIB": "GBR",  # Gibraltar
    "GGY": "GBR",  # Guernsey (Crown Dependency)
    "JEY": "GBR",  # Jersey (Crown Dependency)
    "IMN": "GBR",  # Isle of Man (Crown Dependency)
    # UK Sovereign Base Areas and the UN buffer zone: drawn as Cyprus, so that no fake
    # GBR-CYP land border appears.
    "Akrotiri": "CYP",
    "Dhekelia": "CYP",
    "Cyprus U.N. Buffer Zone": "CYP",
    "Baikonur": "KAZ",  # leased to Russia, Kazakh territory
}
#: Features kept on their own, with the state that holds them.
SOVEREIGN = {
    "GRL": "DNK",  # Greenland
    "XNC": "CYP",  # de jure part of the Republic of Cyprus (UN Security Council res. 541)
}
#: Names that Natural Earth 4.1.0 (2018) gives out of date.
RENAME = {"MKD": "North Macedonia"}

#: Crimea: the Russia polygon part holding both cities is moved to Ukraine.
SIMFEROPOL = Point(34.10, 44.95)
SEVASTOPOL = Point(33.52, 44.60)
#: Kaliningrad: Russia's polygon parts inside this box.
KALININGRAD_BOX = box(19.0, 54.0, 23.0, 55.5)

SUBUNITS = {
    KALININGRAD: ("RUS", "Kaliningrad Oblast"),
    CRIMEA: ("UKR", "Crimea (incl. Sevastopol)"),
}

#: Display copy, in degrees (coverage_simplify's tolerance is about the square root of the area
#: of the triangles it removes). Land borders are what this map is about and keep the finest
#: line; coastlines in the region are coarser, and coastlines outside it (Siberia, Svalbard,
#: the Atlantic islands, overseas France) coarser still. Then everything is rounded to the grid.
BORDER_TOLERANCE = 0.04
COAST_TOLERANCE = 0.1
FAR_TOLERANCE = 0.3
DISPLAY_GRID = 0.001
#: Display copy: islands smaller than this that touch no other country are left out.
MIN_ISLAND_KM2 = 50.0

#: Below the source's quantisation (~1e-5 deg), far above floating-point noise.
SNAP_TOLERANCE = 1e-9

#: Fixed timestamp in the GeoPackage metadata, so that re-runs give the same bytes.
GPKG_DATE = "2018-05-21T00:00:00Z"  # Natural Earth 4.1.0 release


def read_source(path: Path) -> gpd.GeoDataFrame:
    """Read the TopoJSON and set the CRS it does not carry."""
    gdf = gpd.read_file(path, layer="countries")
    return gdf.set_crs(WGS84, allow_override=False)


def assign_codes(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add iso3, iso_numeric and iso_assigned from the ISO numeric id (or the name)."""
    gdf = gdf.copy()
    codes, numerics, assigned = [], [], []
    for numeric, name in zip(gdf["id"], gdf["name"], strict=True):
        if isinstance(numeric, str) and numeric.isdigit():
            country = pycountry.countries.get(numeric=numeric)
            if country is None:
                sys.exit(f"ISO numeric {numeric!r} ({name}) unknown to pycountry")
            codes.append(country.alpha_3)
            numerics.append(numeric)
            assigned.append(True)
        else:
            codes.append(NO_ISO_CODE.get(name, name if name in FOLD_INTO else None))
            numerics.append("")
            assigned.append(False)
    gdf["iso3"] = codes
    gdf["iso_numeric"] = numerics
    gdf["iso_assigned"] = assigned
    return gdf


def _east_of_antimeridian(xy: np.ndarray) -> np.ndarray:
    xy = xy.copy()
    xy[xy[:, 0] == -180.0, 0] = 180.0
    return xy


def fix_antimeridian(geom: BaseGeometry) -> MultiPolygon:
    """Drop the parts of a polygon east of 180° and close the rest on +180°.

    Natural Earth cuts Russia at the antimeridian but closes the mainland ring (and Wrangel
    Island) with vertices at -180°, which smears a line across the map; those become +180°,
    and the parts lying wholly at negative longitudes are dropped.
    """
    kept = []
    for part in shapely.get_parts(geom):
        if part.bounds[2] <= 0:
            continue
        if part.bounds[0] < 0:
            part = shapely.transform(part, _east_of_antimeridian)
        assert part.bounds[0] >= 0, part.bounds
        kept.append(part)
    return MultiPolygon(kept)


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Return ``make_valid(geom)`` without its collapsed (line and point) parts."""
    parts = shapely.get_parts(shapely.make_valid(geom))
    parts = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def as_multi(geom: BaseGeometry) -> MultiPolygon:
    """Return a polygonal geometry as a MultiPolygon."""
    polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    return MultiPolygon(polys)


def split_russia(rus: BaseGeometry, ukr: BaseGeometry) -> dict[str, MultiPolygon]:
    """Split Russia into the rest, Crimea (one part touching Ukraine) and Kaliningrad."""
    parts = list(shapely.get_parts(rus))
    crimea = [p for p in parts if p.contains(SIMFEROPOL) and p.contains(SEVASTOPOL)]
    assert len(crimea) == 1, "expected one Russia part holding Simferopol and Sevastopol"
    assert shapely.intersection(crimea[0], ukr).length > 0, "the Crimea part must touch Ukraine"
    kaliningrad = [p for p in parts if p.within(KALININGRAD_BOX)]
    assert kaliningrad, "no Russia part found around Kaliningrad"
    rest = [p for p in parts if not any(p.equals_exact(q, 0) for q in crimea + kaliningrad)]
    return {
        "RUS": MultiPolygon(rest),
        CRIMEA: MultiPolygon(crimea),
        KALININGRAD: MultiPolygon(kaliningrad),
    }


def build_coverage(source: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the region as coverage elements: one per country, plus Crimea and Kaliningrad.

    Columns: ``element`` (iso3 or subunit id), ``iso3`` (the state it is drawn as part of),
    ``name``, ``iso_numeric``, ``iso_assigned``, ``sovereign_iso3``, ``clipped``, geometry.
    """
    gdf = assign_codes(source)
    region = box(*REGION)

    unknown = gdf[gdf["iso3"].isna() & gdf.intersects(region)]
    if len(unknown):
        sys.exit(f"features without a code in the region: {sorted(unknown['name'])}")
    gdf = gdf[gdf["iso3"].notna()]  # the other uncoded features all lie outside the region

    is_rus = gdf["iso3"] == "RUS"
    gdf.loc[is_rus, "geometry"] = gdf.loc[is_rus, "geometry"].map(fix_antimeridian)
    gdf["geometry"] = gdf.geometry.map(polygonal)

    gdf["state"] = gdf["iso3"].map(lambda code: FOLD_INTO.get(code, code))
    folded = gdf[gdf["state"] != gdf["iso3"]]
    states = gdf[gdf["state"] == gdf["iso3"]].set_index("iso3")
    for state, group in folded.groupby("state"):
        merged = shapely.union_all([states.at[state, "geometry"], *group.geometry])
        states.at[state, "geometry"] = polygonal(merged)

    states = states[states.intersects(region)]
    if missing := sorted(KEEP_WHOLE - set(states.index)):
        sys.exit(f"states to keep whole not found in the source: {missing}")
    states["sovereign_iso3"] = [SOVEREIGN.get(code, code) for code in states.index]
    states["name"] = [RENAME.get(code, name) for code, name in states["name"].items()]
    inside = states.within(region)
    states["clipped"] = ~states.index.isin(KEEP_WHOLE) & ~inside
    states.loc[states["clipped"], "geometry"] = states.loc[states["clipped"], "geometry"].map(
        lambda g: polygonal(shapely.intersection(g, region))
    )

    pieces = split_russia(states.at["RUS", "geometry"], states.at["UKR", "geometry"])
    rows = []
    for code, row in states.iterrows():
        fields = {
            "iso3": code,
            "name": row["name"],
            "iso_numeric": row["iso_numeric"],
            "iso_assigned": bool(row["iso_assigned"]),
            "sovereign_iso3": row["sovereign_iso3"],
            "clipped": bool(row["clipped"]),
        }
        rows.append({"element": code, **fields, "geometry": pieces.get(code, row["geometry"])})
    for subunit_id, (state, _name) in SUBUNITS.items():
        parent = next(r for r in rows if r["element"] == state)
        rows.append({**parent, "element": subunit_id, "geometry": pieces[subunit_id]})
    coverage = gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)
    coverage["geometry"] = coverage.geometry.map(as_multi)
    return coverage.sort_values("element", ignore_index=True)


def node_coverage(coverage: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give each element the vertices its neighbours have on its edges.

    Coverage tools need shared edges to have the same vertices. Two places break that: clipping
    to the region adds a vertex on the clip line that the whole neighbour lacks (KAZ-RUS at 60°E),
    and make_valid drops the tip of a one-way spike (BEL, at 4.221°E 51.367°N, vs NLD). Snapping
    with a tolerance far below the data's precision only inserts vertices (RUS gains 3, NLD 1);
    no existing vertex moves.
    """
    coverage = coverage.copy()
    geoms = coverage.geometry.to_numpy()
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    noded = []
    for i, geom in enumerate(geoms):
        neighbours = right[(left == i) & (right != i)]
        if len(neighbours) == 0:
            noded.append(geom)
            continue
        xmin, ymin, xmax, ymax = geom.bounds
        near = shapely.clip_by_rect(
            geoms[neighbours], xmin - 1e-6, ymin - 1e-6, xmax + 1e-6, ymax + 1e-6
        )
        points = shapely.extract_unique_points(shapely.union_all(shapely.boundary(near)))
        noded.append(as_multi(polygonal(shapely.snap(geom, points, SNAP_TOLERANCE))))
    coverage["geometry"] = noded
    return coverage


def check_coverage(coverage: gpd.GeoSeries, label: str) -> None:
    """Stop unless the elements form a valid coverage (no overlaps, matching shared edges)."""
    geoms = coverage.to_numpy()
    if shapely.coverage_is_valid(geoms):
        return
    edges = shapely.coverage_invalid_edges(geoms)
    bad = [
        f"{e}: {shapely.length(g):.4g}°"
        for e, g in zip(coverage.index, edges, strict=True)
        if g is not None and not g.is_empty
    ]
    sys.exit(f"{label}: invalid coverage edges in {', '.join(bad)}")


def dissolve(coverage: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Merge Crimea into Ukraine and Kaliningrad into Russia: one row per iso3."""
    states = coverage[coverage["element"] == coverage["iso3"]].set_index("iso3")
    for element, group in coverage[coverage["element"] != coverage["iso3"]].groupby("element"):
        state = group["iso3"].iloc[0]
        merged = shapely.union_all([states.at[state, "geometry"], *group.geometry])
        states.at[state, "geometry"] = as_multi(merged)
        assert merged.is_valid, element
    columns = ["iso3", "name", "iso_numeric", "iso_assigned", "sovereign_iso3", "clipped"]
    return states.reset_index()[[*columns, "geometry"]].sort_values("iso3", ignore_index=True)


def subunits(coverage: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the subunit rows: subunit_id, iso3, name, geometry."""
    rows = coverage[coverage["element"].isin(SUBUNITS)]
    return gpd.GeoDataFrame(
        {
            "subunit_id": rows["element"].to_list(),
            "iso3": [SUBUNITS[e][0] for e in rows["element"]],
            "name": [SUBUNITS[e][1] for e in rows["element"]],
        },
        geometry=rows.geometry.to_list(),
        crs=WGS84,
    )


def _lines(geom: BaseGeometry) -> list[BaseGeometry]:
    """Return the linear parts of a geometry."""
    return [p for p in shapely.get_parts(geom) if p.geom_type in ("LineString", "LinearRing")]


def _shared_edges(geoms: np.ndarray) -> list[BaseGeometry]:
    """Return the edges shared by two elements of a coverage: its land borders."""
    boundaries = shapely.boundary(geoms)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    edges = []
    for i, j in zip(left, right, strict=True):
        if i < j:
            edges += _lines(shapely.intersection(boundaries[i], boundaries[j]))
    return edges


def split_at_region(coverage: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Cut every element at the region's edge; column ``inside`` says which side a piece is on."""
    region = box(*REGION)
    pieces = []
    for row in coverage.to_dict("records"):
        for inside, piece in (
            (True, shapely.intersection(row["geometry"], region)),
            (False, shapely.difference(row["geometry"], region)),
        ):
            piece = as_multi(polygonal(piece))
            if not piece.is_empty:
                pieces.append({**row, "inside": inside, "geometry": piece})
    return node_coverage(gpd.GeoDataFrame(pieces, geometry="geometry", crs=WGS84))


def drop_small_islands(geoms: np.ndarray, min_km2: float) -> np.ndarray:
    """Leave out polygon parts under ``min_km2`` that touch no other element.

    The largest part of each element always stays, so no country disappears.
    """
    tree = shapely.STRtree(geoms)
    kept = []
    for i, geom in enumerate(geoms):
        parts = shapely.get_parts(geom)
        areas = np.array([area_km2(p) for p in parts])
        keep = [
            p
            for p, area in zip(parts, areas, strict=True)
            if area >= min_km2
            or area == areas.max()
            or any(j != i for j in tree.query(p, predicate="intersects"))
        ]
        kept.append(MultiPolygon(keep))
    return np.array(kept, dtype=object)


def simplify_for_display(coverage: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify the coverage for the map: fine borders, coarser coasts, gap-free throughout.

    ``coverage_simplify`` takes one tolerance and keeps the nodes where edges meet fixed. So the
    coverage, cut at the region's edge, is simplified three times; the land borders are taken
    from the finest run, the coastlines inside the region and outside it from the two coarser
    ones. All three runs share their nodes, so this linework closes: polygonize it, give each
    land face to the element it overlaps most in the finest run, and dissolve. Then small
    islands are left out, and everything is rounded to the grid and repaired.
    """
    pieces = split_at_region(coverage)
    geoms, inside = pieces.geometry.to_numpy(), pieces["inside"].to_numpy()
    fine, coast, far = (
        shapely.coverage_simplify(geoms, tolerance)
        for tolerance in (BORDER_TOLERANCE, COAST_TOLERANCE, FAR_TOLERANCE)
    )
    land = shapely.union_all([*coast[inside], *far[~inside]])
    shapely.prepare(land)
    linework = shapely.union_all([*_shared_edges(fine), land.boundary])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(linework)))

    owners = np.full(len(faces), -1)
    candidates = [(fine, shapely.STRtree(fine)), (coast, shapely.STRtree(coast))]
    for k, face in enumerate(faces):
        if not land.contains(shapely.point_on_surface(face)):
            continue  # sea, lakes
        for version, tree in candidates:
            hits = tree.query(face, predicate="intersects")
            overlap = shapely.area(shapely.intersection(face, version[hits]))
            if len(hits) and overlap.max() > 0:
                owners[k] = hits[overlap.argmax()]
                break
        assert owners[k] >= 0, f"land face at {face.representative_point()} has no owner"

    elements = pieces["element"].to_numpy()
    merged = np.array(
        [
            shapely.union_all(faces[np.isin(owners, np.flatnonzero(elements == element))])
            for element in coverage["element"]
        ],
        dtype=object,
    )
    merged = drop_small_islands(merged, MIN_ISLAND_KM2)
    rounded = shapely.set_precision(merged, DISPLAY_GRID)
    display = coverage.copy()
    display["geometry"] = [as_multi(polygonal(g)) for g in rounded]
    return display


def check_display(coverage: gpd.GeoDataFrame, display: gpd.GeoDataFrame) -> None:
    """Stop if the display copy lost or gained much area (micro-states excepted)."""
    for element, full, shown in zip(
        coverage["element"], coverage.geometry, display.geometry, strict=True
    ):
        full_km2, shown_km2 = area_km2(full), area_km2(shown)
        if shown.is_empty or (full_km2 > 1000 and not 0.9 < shown_km2 / full_km2 < 1.1):
            sys.exit(f"display {element}: {shown_km2:.0f} km2 drawn for {full_km2:.0f} km2")


def write_gpkg(layers: dict[str, tuple[gpd.GeoDataFrame, str]], path: Path) -> None:
    """Write the layers to one GeoPackage, replacing it atomically."""
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_DATE})
    fd, tmp = tempfile.mkstemp(suffix=".gpkg", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        for name, (gdf, description) in layers.items():
            gdf.to_file(
                tmp,
                layer=name,
                driver="GPKG",
                engine="pyogrio",
                layer_options={"DESCRIPTION": description},
            )
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="countries-10m.json")
    args = parser.parse_args(argv)

    if sha256(args.source) != SOURCE_SHA256:
        print(f"warning: {args.source.name} is not the file data/README.md describes")
    coverage = node_coverage(build_coverage(read_source(args.source)))
    check_coverage(coverage.set_index("element").geometry, "full resolution")
    display = simplify_for_display(coverage)
    check_coverage(display.set_index("element").geometry, "display")
    check_display(coverage, display)

    countries, countries_display = dissolve(coverage), dissolve(display)
    layers = {
        "countries": (countries, "Countries, full resolution (for measurement)"),
        "countries_display": (
            countries_display,
            f"Countries for display: coverage-simplified (borders {BORDER_TOLERANCE} deg, coasts "
            f"{COAST_TOLERANCE}/{FAR_TOLERANCE} deg), islands < {MIN_ISLAND_KM2:g} km2 left out, "
            f"grid {DISPLAY_GRID} deg",
        ),
        "subunits": (subunits(coverage), "Kaliningrad and Crimea, full resolution"),
        "subunits_display": (subunits(display), "Kaliningrad and Crimea, display copy"),
    }
    for name, (gdf, _) in layers.items():
        assert gdf.is_valid.all(), name
    write_gpkg(layers, OUTPUT)

    digest = write_sum(OUTPUT)
    geojson_bytes = len(countries_display.to_json().encode())
    print(f"countries: {len(countries)} rows; countries_display GeoJSON: {geojson_bytes:,} bytes")
    print(f"{digest}  {OUTPUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
