"""``flankmap export``: a scenario as PNG, offline HTML, GeoJSON or GeoPackage, or animated.

``--format gif --from DATE --to DATE`` writes an animated GIF: one frame per dated change in
between, with a progress bar on stderr.

Each file is written atomically (see ``render.export.write_export``): an error leaves no part of
a file behind. The written paths are printed on stdout, one per line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from cli.common import add_as_of, date_arg
from geo.errors import InputError
from render.export import (  # light: the renderers are imported on first use
    ANIMATED_FORMATS,
    DEFAULTS,
    FORMATS,
    check_options,
    export_filename,
    write_export,
)


def add_parser(sub) -> None:
    """Register the command."""
    parser = sub.add_parser(
        "export",
        help="write a scenario as PNG, offline HTML, GeoJSON, GeoPackage or an animated GIF",
        description=(
            "Write one scenario in one format (--scenario ID or --scenario-file PATH, --format, "
            "--out FILE or FOLDER), or every shipped scenario in every format into a folder "
            "(--all --out FOLDER). --format gif --from DATE --to DATE writes an animation: one "
            "frame per dated change between the two dates."
        ),
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--scenario", metavar="ID", help="scenario id (see `flankmap scenarios`)")
    which.add_argument(
        "--scenario-file",
        metavar="PATH",
        help="your own scenario file (YAML, at most 1 MB; see `flankmap scenarios show ID`)",
    )
    which.add_argument(
        "--all", action="store_true", help="every scenario, at its own date and layers"
    )
    add_as_of(parser, "the scenario's date")
    parser.add_argument(
        "--layers", metavar="A,B,…", default=None, help="comma-separated layer ids to show"
    )
    parser.add_argument(
        "--format",
        choices=(*FORMATS, *ANIMATED_FORMATS),
        default=None,
        help="output format (with --all: only this one; default every format but gif)",
    )
    parser.add_argument(
        "--from",
        dest="start",
        type=date_arg,
        default=None,
        metavar="YYYY-MM-DD",
        help="gif: first frame's date (default: the first dated record)",
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=date_arg,
        default=None,
        metavar="YYYY-MM-DD",
        help="gif: last frame's date (default: today)",
    )
    parser.add_argument(
        "--step",
        type=int,
        default=None,
        metavar="N",
        help="gif: one frame every N dated changes (default 1: every change)",
    )
    png, gif = DEFAULTS["png"], DEFAULTS["gif"]
    parser.add_argument(
        "--width",
        type=int,
        default=None,
        help=f"PNG/GIF width in pixels ({png['width']}; GIF {gif['width']})",
    )
    parser.add_argument(
        "--height",
        type=int,
        default=None,
        help=f"PNG/GIF height in pixels ({png['height']}; GIF {gif['height']})",
    )
    parser.add_argument(
        "--dpi", type=int, default=png["dpi"], help=f"PNG resolution recorded ({png['dpi']})"
    )
    parser.add_argument(
        "--overlay",
        metavar="PATH",
        default=None,
        help="your own line or area on top (GeoJSON or GeoPackage, lines or polygons, at most "
        "5 MB; EPSG:4326 or any CRS the file names)",
    )
    parser.add_argument(
        "--overlay-attribution",
        metavar="TEXT",
        default="",
        help="who drew the overlay, under which licence (shown in the legend and exports)",
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="file to write, or an existing folder (a file name is chosen)",
    )
    parser.set_defaults(run=run)


def _layers(text: str) -> tuple[str, ...]:
    from layers.scenario.scenarios import LAYER_IDS
    from layers.scenario.view import parse_layers

    layers, unknown = parse_layers(text)
    if unknown:
        raise InputError(
            f"unknown layer(s) {', '.join(map(repr, unknown))}; known: {', '.join(LAYER_IDS)}"
        )
    if not layers:
        raise InputError(f"--layers names no layer; use some of: {', '.join(LAYER_IDS)}")
    return layers


def _png_options(args: argparse.Namespace) -> dict[str, int]:
    """Check the PNG size before anything is built, so a bad one fails at once."""
    default = DEFAULTS[args.format if args.format in ANIMATED_FORMATS else "png"]
    width = default["width"] if args.width is None else args.width
    height = default["height"] if args.height is None else args.height
    return check_options("png", width=width, height=height, dpi=args.dpi)


def _check_span(args: argparse.Namespace) -> None:
    """--from/--to/--step belong to an animation, --as-of to one date: refuse a mix."""
    span = [
        name
        for name, value in (("--from", args.start), ("--to", args.end), ("--step", args.step))
        if value is not None
    ]
    if args.format in ANIMATED_FORMATS:
        if args.as_of is not None:
            raise InputError("--as-of is one date; an animation takes --from and --to")
    elif span:
        raise InputError(f"{'/'.join(span)} only go with --format gif")


def _overlay(args: argparse.Namespace):
    """Read ``--overlay`` (None without it) before anything is built, so a bad file fails first."""
    from layers.scenario.overlay import check_overlay_size, read_overlay

    if args.overlay is None:
        return None
    path = Path(args.overlay)
    try:
        check_overlay_size(path.stat().st_size, path.name)  # before reading it into memory
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"--overlay {str(path)!r}: {err.strerror or err}") from None
    return read_overlay(data, path.name, attribution=args.overlay_attribution)


def _folder(path: Path) -> Path:
    """Return ``path`` as an output folder, creating it (not its parents) if missing."""
    if path.exists() and not path.is_dir():
        raise InputError(f"--out {str(path)!r} is a file; --all needs a folder")
    try:
        path.mkdir(exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot create folder {str(path)!r}: {err.strerror or err}") from None
    return path


def _run_one(args: argparse.Namespace) -> int:
    from layers.scenario.overlay import with_overlay
    from layers.scenario.scenario_io import read_scenario_file
    from layers.scenario.scenarios import get_scenario
    from layers.scenario.scene import build_scene

    option = "--scenario-file" if args.scenario_file is not None else "--scenario"
    if args.format is None:
        raise InputError(f"--format is required with {option}; choose one of: {', '.join(FORMATS)}")
    if args.scenario_file is not None:
        scenario = read_scenario_file(args.scenario_file)
    else:
        scenario = get_scenario(args.scenario)
    layers = _layers(args.layers) if args.layers is not None else None
    _check_span(args)
    png = _png_options(args)
    overlay = _overlay(args)
    out = Path(args.out)
    if not out.is_dir() and not out.parent.is_dir():
        raise InputError(f"cannot write {str(out)!r}: folder {str(out.parent)!r} does not exist")
    scene = with_overlay(build_scene(scenario, args.as_of, layers), overlay)
    if args.format in ANIMATED_FORMATS:
        return _run_animation(args, scene, out, png)
    target = out / export_filename(scene, args.format) if out.is_dir() else out
    print(write_export(scene, args.format, target, **png))
    return 0


def _run_animation(args: argparse.Namespace, scene, out: Path, size: dict[str, int]) -> int:
    """Write an animation, one frame per dated change, with a progress bar on stderr."""
    from render.animation import animation_dates  # loads matplotlib

    every = 1 if args.step is None else args.step
    days = animation_dates(args.start, args.end, every)  # bad dates fail here, before any file
    name = export_filename(scene, args.format, (days[0], days[-1]))
    target = out / name if out.is_dir() else out
    with tqdm(total=len(days), unit="frame", file=sys.stderr, desc=args.format) as bar:
        path = write_export(
            scene,
            args.format,
            target,
            start=days[0],
            end=days[-1],
            every=every,
            width=size["width"],
            height=size["height"],
            progress=lambda done, _total: bar.update(done - bar.n),
        )
    print(path)
    return 0


def _run_all(args: argparse.Namespace) -> int:
    from layers.scenario.overlay import with_overlay
    from layers.scenario.scenarios import load_presets
    from layers.scenario.scene import build_scene

    if args.as_of is not None or args.layers is not None:
        raise InputError(
            "--all exports each scenario at its own date and layers; drop --as-of/--layers"
        )
    if args.format in ANIMATED_FORMATS or args.start or args.end or args.step:
        raise InputError("--all writes one date per scenario; an animation needs --scenario")
    png = _png_options(args)
    overlay = _overlay(args)
    folder = _folder(Path(args.out))
    formats = (args.format,) if args.format else FORMATS
    presets = load_presets()
    with tqdm(
        total=len(presets) * len(formats), unit="file", file=sys.stderr, desc="export"
    ) as bar:
        for scenario in presets.values():
            scene = with_overlay(build_scene(scenario), overlay)
            for fmt in formats:
                bar.set_postfix_str(f"{scenario.id}.{fmt}")
                path = write_export(scene, fmt, folder / export_filename(scene, fmt), **png)
                tqdm.write(str(path), file=sys.stdout)
                bar.update()
    return 0


def run(args: argparse.Namespace) -> int:
    """Write the export(s); print each path written."""
    return _run_all(args) if args.all else _run_one(args)
