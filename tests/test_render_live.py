"""The app's map (``live=True``): static files once, per-view rows only, same look as exports."""

import hashlib
import inspect
import json
import os
import re

import branca.element
import folium
import pytest
import shapely

from layers.scenario.scenarios import load_presets
from layers.scenario.scene import build_scene
from render.assets import SHAPE_SETS, TEXTS_FILE, static_files, static_url, write_static_files
from render.folium_map import (
    _GeoJson,
    _Labels,
    _LiveGroup,
    _LiveLayer,
    _RenderOnce,
    base_map,
    build_map,
    layer_groups,
    scene_features,
)
from render.layer_specs import LAYER_SPECS

#: What the map's message may weigh per view (the browser test budgets the whole switch).
LIVE_LAYERS_KB = 32


@pytest.fixture(scope="module")
def scenes():
    return {sid: build_scene(scenario) for sid, scenario in load_presets().items()}


def test_live_map_links_its_files_by_relative_url_only():
    m = base_map(live=True)
    urls = [url for _, url in [*m.default_js, *m.default_css]]
    urls += [url for child in m._children.values() for _, url in getattr(child, "default_js", [])]
    assert len(urls) == 3, urls  # Leaflet, its stylesheet, the map's own script
    for url in urls:
        assert url.startswith("../../app/static/flankmap/"), url  # any server.baseUrlPath
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
    assert "data:" not in m.get_root().render()


@pytest.mark.parametrize("scenario_id", list(load_presets()))
def test_a_view_carries_no_shared_geometry_and_stays_small(scenes, scenario_id):
    scene = scenes[scenario_id]
    live = json.dumps(scene_features(scene, live=True))
    inline = json.dumps(scene_features(scene))
    assert len(live) <= LIVE_LAYERS_KB * 1024, f"{len(live) / 1024:.1f} KB"
    assert len(live) < len(inline) / 5
    assert "MultiPolygon" not in live  # countries and occupied areas come from the static files
    assert '"Polygon"' not in live


@pytest.mark.parametrize("as_of", [None, "2014-03-18", "2015-02-18", "2008-08-26"])
def test_shared_shapes_are_the_shapes_every_view_draws(scenes, as_of):
    """Countries by ISO code, occupied areas (Crimea, Donbas, …) by id: the drawn geometry."""
    views = scenes.values() if as_of is None else [build_scene(load_presets()["latest"], as_of)]
    for spec in (s for s in LAYER_SPECS if s.shapes):
        file_name, key = SHAPE_SETS[spec.shapes]
        shapes = json.loads(static_files()[file_name])
        by_id = {f["id"]: shapely.geometry.shape(f["geometry"]) for f in shapes["features"]}
        for scene in views:
            frame = getattr(scene, spec.attribute)
            for ident, geometry in zip(frame.get(key, []), frame.geometry, strict=True):
                assert ident in by_id, f"{spec.name}: no shared shape for {ident}"
                assert shapely.equals_exact(by_id[ident], geometry, tolerance=1e-9), ident
    occupied = scenes["latest"].occupied
    assert {"UKR-CRIMEA", "UKR-DONBAS"} <= set(occupied["id"])
    rows = scene_features(scenes["latest"], live=True)["occupied"]
    assert rows["ids"] == list(occupied["id"])
    assert "geometries" not in rows


def test_a_row_missing_from_its_shape_set_still_draws_with_its_own_geometry(scenes):
    scene = scenes["latest"]
    occupied = scene.occupied.copy()
    occupied.loc[occupied.index[0], "id"] = "XX-NOT-SHARED"
    import dataclasses

    rows = scene_features(dataclasses.replace(scene, occupied=occupied), live=True)["occupied"]
    assert "ids" not in rows
    assert len(rows["geometries"]) == len(occupied)


def test_preset_rows_name_shared_texts_and_other_texts_travel_inline(scenes):
    """A preset view sends indices into texts.json; a text it lacks (the user's) goes inline."""
    texts = json.loads(static_files()[TEXTS_FILE])
    scene = scenes["proposal-2022"]
    rows = scene_features(scene, live=True)["countries"]
    assert all(isinstance(value, int) for row in rows["values"] for value in row)
    first = scene.countries.iloc[0]
    assert [texts[i] for i in rows["values"][0][:2]] == [first["name"], first["status"]]
    countries = scene.countries.copy()
    countries.loc[countries.index[0], "name"] = "My own country name"
    import dataclasses

    mine = scene_features(dataclasses.replace(scene, countries=countries), live=True)["countries"]
    assert mine["values"][0][0] == "My own country name"
    assert mine["values"][0][1:] == rows["values"][0][1:]


def test_live_rows_are_escaped(scenes, hostile_text):
    scene = scenes["proposal-2022"]
    bgs = scene.battlegroups.copy()
    bgs["host"] = hostile_text + "{{ 7*7 }}"
    import dataclasses

    hostile = dataclasses.replace(scene, battlegroups=bgs)
    rows = json.dumps(scene_features(hostile, live=True)["battlegroups"])
    assert hostile_text not in rows
    assert "{{" not in rows
    assert "&lt;script&gt;" in rows


def test_same_styles_and_fields_as_the_exported_map(scenes):
    """The app and an export show one style table and one tooltip per layer."""
    scene = scenes["proposal-2022"]
    live = {g.layer_name: g for g in layer_groups(scene, live=True)}
    inline = {g.layer_name: g for g in layer_groups(scene)}
    assert list(live) == list(inline)
    for spec in LAYER_SPECS:
        if spec.name not in live:
            continue
        (layer,) = [c for c in live[spec.name]._children.values() if isinstance(c, _LiveLayer)]
        (geojson,) = [c for c in inline[spec.name]._children.values() if isinstance(c, _GeoJson)]
        spec_json = json.loads(layer.spec_json)
        assert spec_json["fields"] == list(spec.fields)
        for feature in geojson.data["features"]:
            key = feature["properties"][spec.styled_by] if spec.styled_by else spec.style
            assert spec_json["styles"][key] == geojson.style_function(feature)


def test_export_stays_one_self_contained_file(scenes):
    html = build_map(scenes["latest"]).get_root().render()
    assert "data:text/javascript;base64," in html
    assert "app/static" not in html
    assert "flankmapLayer" not in html
    for file_name, _key in SHAPE_SETS.values():
        assert file_name not in html
    m = build_map(scenes["latest"])
    (occupied,) = [
        c
        for g in m._children.values()
        if getattr(g, "layer_name", "") == "Occupied and breakaway territory"
        for c in g._children.values()
        if isinstance(c, _GeoJson)
    ]
    assert len(occupied.data["features"]) == len(scenes["latest"].occupied)
    for feature in occupied.data["features"]:  # the shapes travel inside the file
        first = feature["geometry"]["coordinates"]
        while isinstance(first[0], list):
            first = first[0]
        assert f"{first[0]}, {first[1]}" in html, feature["properties"]["name"]


def test_static_files_are_written_once(tmp_path):
    assert sorted(write_static_files(tmp_path)) == sorted(static_files())
    assert write_static_files(tmp_path) == []
    for file_name, _key in SHAPE_SETS.values():
        shapes = tmp_path / "flankmap" / file_name
        assert shapes.read_bytes() == static_files()[file_name]
        assert os.stat(shapes).st_mode & 0o444 == 0o444  # a proxy's user may read it
        version = hashlib.sha256(shapes.read_bytes()).hexdigest()[:12]
        assert static_url(file_name).endswith(f"?v={version}")
        assert f"{file_name}?v={version}" in static_files()["live-map.js"].decode()
    version = hashlib.sha256(static_files()[TEXTS_FILE]).hexdigest()[:12]
    assert f"{TEXTS_FILE}?v={version}" in static_files()["live-map.js"].decode()


#: sha256 (16 hex) of branca's ``MacroElement.render`` that ``_RenderOnce`` copies. When this
#: test fails, branca (or folium, which brings it) changed: compare the new method with
#: ``_RenderOnce.render``, update both, then this hash (and the folium pin in pyproject.toml).
BRANCA_RENDER_SHA = "37b6a09e772154d6"


def test_render_once_is_pinned_to_the_branca_render_it_copies():
    source = inspect.getsource(branca.element.MacroElement.render)
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    assert digest == BRANCA_RENDER_SHA, (
        f"branca {branca.__version__} (folium {folium.__version__}) changed "
        "MacroElement.render, which render/folium_map.py _RenderOnce copies: review it"
    )
    for cls in (_GeoJson, _LiveGroup, _LiveLayer, _Labels):  # folium's first, then ours
        owners = [c for c in cls.__mro__ if "render" in c.__dict__]
        assert owners[-3:-1] == [_RenderOnce, branca.element.MacroElement], owners
