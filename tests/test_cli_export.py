"""``flankmap export``: files where asked, and every bad argument one line on stderr, exit 2."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from conftest import files_in

import render.export
from layers.scenario.scenarios import load_presets


def test_export_one_file(tmp_path, run_cli):
    target = tmp_path / "flank.geojson"
    status, out, err = run_cli(
        ["export", "--scenario", "efp-2017", "--format", "geojson", "--out", str(target)]
    )
    assert (status, err) == (0, "")
    assert out.strip() == str(target)
    frame = gpd.read_file(target)
    assert (frame["layer"] == "battlegroup").sum() == 4


def test_export_into_a_folder_picks_the_name_and_honours_date_and_layers(tmp_path, run_cli):
    status, out, _ = run_cli(
        [
            "export",
            "--scenario",
            "latest",
            "--as-of",
            "2022-02-23",
            "--layers",
            "members,battlegroups",
            "--format",
            "geojson",
            "--out",
            str(tmp_path),
        ]
    )
    assert status == 0
    written = tmp_path / "flankmap_latest_2022-02-23.geojson"
    assert out.strip() == str(written)
    collection = json.loads(written.read_text(encoding="utf-8"))
    assert collection["flankmap"]["as_of"] == "2022-02-23"
    assert {f["properties"]["layer"] for f in collection["features"]} <= {"member", "battlegroup"}


OUT = ["--out", "{tmp}/x.png"]
BAD = [
    (["--scenario", "nope", "--format", "png", *OUT], "'nope'", "proposal-2022"),
    (["--scenario", "efp-2017", "--format", "pdf", *OUT], "'pdf'", "png"),
    (
        ["--scenario", "efp-2017", "--format", "png", "--as-of", "2022-13-45", *OUT],
        "2022-13-45",
        "",
    ),
    (["--scenario", "efp-2017", "--format", "png", "--as-of", "2999-01-01", *OUT], "2999", ""),
    (
        ["--scenario", "efp-2017", "--format", "png", "--layers", "members,tanks", *OUT],
        "'tanks'",
        "members",
    ),
    (["--scenario", "efp-2017", "--format", "png", "--layers", ",", *OUT], "--layers", "members"),
    (["--scenario", "efp-2017", "--format", "png"], "--out", ""),
    (["--scenario", "efp-2017", *OUT], "--format", "png"),
    (["--format", "png", *OUT], "--scenario", "--all"),
    (["--scenario", "efp-2017", "--all", "--out", "{tmp}"], "--all", ""),
    (["--scenario", "efp-2017", "--format", "png", "--out", "{tmp}/no/such/x.png"], "no/such", ""),
    (["--all", "--out", "{tmp}/no/such"], "no/such", ""),
    (["--all", "--as-of", "2022-02-23", "--out", "{tmp}/all"], "--as-of", ""),
]


@pytest.mark.parametrize(("args", "names", "allowed"), BAD)
def test_bad_arguments_are_one_line_and_exit_2(tmp_path, run_cli, args, names, allowed):
    argv = ["export", *(a.replace("{tmp}", str(tmp_path)) for a in args)]
    status, out, err = run_cli(argv)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert names in err
    assert allowed in err
    assert files_in(tmp_path) == []


def test_an_existing_file_as_all_folder_is_refused(tmp_path, run_cli):
    (tmp_path / "file").write_text("x")
    status, _, err = run_cli(["export", "--all", "--out", str(tmp_path / "file")])
    assert status == 2
    assert "is a file" in err
    assert files_in(tmp_path) == ["file"]


def test_unwritable_path_is_refused(tmp_path, run_cli):
    # A path below a regular file cannot be created, even by root.
    (tmp_path / "file").write_text("x")
    status, _, err = run_cli(
        [
            "export",
            "--scenario",
            "efp-2017",
            "--format",
            "geojson",
            "--out",
            str(tmp_path / "file" / "x"),
        ]
    )
    assert status == 2
    assert "cannot write" in err
    assert err.count("\n") == 1
    assert files_in(tmp_path) == ["file"]


def test_all_writes_every_scenario_in_every_format(tmp_path, run_cli, monkeypatch):
    import layers.scenario.scenarios

    presets = load_presets()
    subset = {key: presets[key] for key in ("efp-2017", "moscow-1997")}
    monkeypatch.setattr(layers.scenario.scenarios, "load_presets", lambda: subset)
    status, out, _ = run_cli(["export", "--all", "--out", str(tmp_path / "all")])
    assert status == 0
    written = sorted(Path(line).name for line in out.splitlines())
    assert written == files_in(tmp_path / "all")
    assert len(written) == len(subset) * len(render.export.FORMATS)
    assert {Path(name).suffix for name in written} == {".png", ".html", ".geojson", ".gpkg"}


def _flankmap() -> str:
    found = shutil.which("flankmap") or str(Path(sys.executable).with_name("flankmap"))
    assert Path(found).exists(), "the flankmap console script is not installed (pip install -e .)"
    return found


def test_console_script_exports_and_refuses(tmp_path):
    target = tmp_path / "efp.png"
    done = subprocess.run(
        [_flankmap(), "export", "--scenario", "efp-2017", "--format", "png", "--out", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = subprocess.run(
        [_flankmap(), "export", "--scenario", "nope", "--format", "png", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1
    assert "'nope'" in bad.stderr
    assert files_in(tmp_path) == ["efp.png"]


def test_help_does_not_load_the_renderers_or_geopandas():
    code = (
        "import sys; from cli.main import build_parser; build_parser(); "
        "print(sorted(m for m in ('matplotlib', 'folium', 'geopandas') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_png_size_options(tmp_path, run_cli):
    target = tmp_path / "small.png"
    args = ["export", "--scenario", "efp-2017", "--format", "png", "--out", str(target)]
    status, _, err = run_cli([*args, "--width", "800", "--height", "600", "--dpi", "150"])
    assert (status, err) == (0, "")
    import matplotlib.image

    assert matplotlib.image.imread(target).shape[:2] == (600, 800)


@pytest.mark.parametrize(
    ("option", "value"), [("--width", "-5"), ("--height", "99999"), ("--dpi", "0")]
)
def test_absurd_png_size_is_refused(tmp_path, run_cli, option, value):
    target = tmp_path / "x.png"
    args = ["export", "--scenario", "efp-2017", "--format", "png", "--out", str(target)]
    status, _, err = run_cli([*args, option, value])
    assert status == 2
    assert value in err
    assert err.count("\n") == 1
    assert not target.exists()
