"""Vector exports of a scene for GIS tools: one GeoJSON FeatureCollection, or a GeoPackage.

Text stays raw here (GIS tools do not interpret HTML). Every layer is a new EPSG:4326 copy with
the same first columns, so a reader can stack them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geo.crs import WGS84
from layers.scenario.scenarios import KINDS, record_to_dict
from layers.scenario.scene import Scene
from render.export import export_filename
from render.legend import BOUNDARIES_CREDIT

#: The ``layer`` value of each feature in the vector exports (and the GeoPackage table names),
#: bottom to top. Countries in the ``other`` category carry no fact and are left out.
EXPORT_LAYERS: tuple[str, ...] = (
    "member",
    "border_state",
    "occupied",
    "demand_area",
    "buildup",
    "reinforcement",
    "battlegroup",
    "overlay",
)

#: The attribute-only GeoPackage table that says which scenario, date and sources it holds.
GPKG_METADATA_TABLE = "scenario"


def _shaped(
    gdf: gpd.GeoDataFrame, layer: str, derived: dict[str, Callable[[pd.DataFrame], Any]]
) -> gpd.GeoDataFrame:
    """Return a copy with ``layer, iso3, name, status, source`` first, then the other columns.

    An empty frame (a layer switched off has no columns to derive from) comes back as it is.
    """
    if gdf.empty:
        return gdf
    out = gdf.copy()
    for column, make in derived.items():
        out[column] = make(out)
    out.insert(0, "layer", layer)
    first = ["layer", "iso3", "name", "status", "source"]
    # source_url became source; lat/lon are the geometry.
    dropped = {*first, "source_url", "lat", "lon", out.geometry.name}
    rest = [c for c in out.columns if c not in dropped]
    out = out[[*first, *rest, out.geometry.name]]
    return out.to_crs(WGS84) if out.crs is not None else out.set_crs(WGS84)


def vector_layers(scene: Scene) -> dict[str, gpd.GeoDataFrame]:
    """Return the scene's non-empty layers as frames for GIS tools, keyed by ``EXPORT_LAYERS`` id.

    Every frame is a new EPSG:4326 copy whose first columns are ``layer``, ``iso3`` (empty where
    no country applies), ``name``, ``status`` and ``source`` (raw text, URLs separated by
    `` | ``), followed by the layer's own columns. Battle groups are points at their base, or at
    the host country's representative point where no base is sourced (``location`` says which).
    """
    countries = scene.countries
    layers: dict[str, gpd.GeoDataFrame] = {
        "member": _shaped(countries[countries["category"] == "member"], "member", {}),
        "border_state": _shaped(
            countries[countries["category"].isin(["russia", "belarus", "partner"])],
            "border_state",
            {},
        ),
        "occupied": _shaped(
            scene.occupied,
            "occupied",
            {"status": lambda f: f["label"], "source": lambda f: f["source_url"]},
        ),
        "demand_area": _shaped(scene.demand_area, "demand_area", {}),
        "buildup": _shaped(
            scene.buildup,
            "buildup",
            {
                "iso3": lambda f: f["country_iso3"],
                "status": lambda f: "observed " + f["observed"].astype(str),
                "source": lambda f: f["source_url"],
            },
        ),
        "reinforcement": _shaped(
            scene.reinforcements,
            "reinforcement",
            {
                "iso3": lambda f: f["where_iso3"],
                "name": lambda f: f["what"],
                "status": lambda f: "announced " + f["announced_date"].astype(str),
                "source": lambda f: f["source_url"],
            },
        ),
        "battlegroup": _shaped(
            scene.battlegroups,
            "battlegroup",
            {
                "iso3": lambda f: f["host_iso3"],
                "name": lambda f: (
                    "Battle group in " + f["host"] + ", framework nation " + f["framework"]
                ),
            },
        ),
        "overlay": _shaped(
            scene.overlay,
            "overlay",
            {
                "iso3": lambda f: "",
                "status": lambda f: f["label"],
                "source": lambda f: f["attribution"],
            },
        ),
    }
    return {key: layers[key] for key in EXPORT_LAYERS if len(layers[key])}


def _metadata(scene: Scene) -> dict[str, Any]:
    scenario = scene.scenario
    return {
        "id": scenario.id,
        "title": scenario.title,
        "kind": scenario.kind,
        "kind_label": KINDS.get(scenario.kind, scenario.kind),
        "as_of": scene.as_of.isoformat(),
        "layers": list(scene.layers),
        "battlegroups": scene.metrics.battlegroups,
        "sources": [record_to_dict(s) for s in scenario.sources],
        "attribution": f"{BOUNDARIES_CREDIT} Facts: the source column of each feature.",
        "notes": [dict(note) for note in scene.layer_notes],
    }


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is pd.NA:
        return None
    raise TypeError(f"cannot write {type(value).__name__} to GeoJSON")


def to_geojson(scene: Scene) -> bytes:
    """Return every layer of ``scene`` as one GeoJSON FeatureCollection (RFC 7946, UTF-8).

    Each feature has a ``layer`` property (see :data:`EXPORT_LAYERS`) and the columns of
    :func:`vector_layers`; the collection's ``flankmap`` member names the scenario, date and
    sources.
    """
    features: list[dict] = []
    for frame in vector_layers(scene).values():
        features.extend(frame.to_geo_dict(na="null", drop_id=True)["features"])
    collection = {
        "type": "FeatureCollection",
        "name": export_filename(scene, "geojson").removesuffix(".geojson"),
        "flankmap": _metadata(scene),
        "features": features,
    }
    text = json.dumps(collection, ensure_ascii=False, default=_json_default, allow_nan=False)
    return text.encode("utf-8")


def write_gpkg(scene: Scene, path: Path) -> None:
    """Write ``scene`` to a new GeoPackage at ``path``: one table per layer, and its metadata.

    Spatial tables are named by :data:`EXPORT_LAYERS` (only layers with features are written);
    the attribute table :data:`GPKG_METADATA_TABLE` names the scenario, date and sources. Not
    atomic: ``render.export.write_export(scene, "gpkg", path)`` is.
    """
    for name, frame in vector_layers(scene).items():
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=path.exists())
    meta = _metadata(scene)
    table = pd.DataFrame(
        [
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                for k, v in meta.items()
            }
        ]
    )
    pyogrio.write_dataframe(
        table, path, layer=GPKG_METADATA_TABLE, driver="GPKG", append=path.exists()
    )
