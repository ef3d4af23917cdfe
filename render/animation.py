"""An animated GIF of a scenario through time: one frame per dated change, drawn like the PNG.

Each frame is the PNG export's picture (:func:`render.export_png.map_pixels`) of the scene on
one date (projection, legend, scale bar, caption with the sources), with the date written large
in the side panel. The frames share one palette, so Pillow stores each as the difference from
the one before: a map that changes one marker costs a few kilobytes. The GIF's comment lists
the frames' dates in order, for tools (and tests) that read it back.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from matplotlib import font_manager
from PIL import Image, ImageDraw, ImageFont

from geo.dates import today
from geo.errors import InputError
from layers.facts.tables import event_dates
from layers.scenario.scene import Scene, build_scene
from layers.scenario.timeline import frame_dates
from render.export import DEFAULTS
from render.export_png import PANEL_PX, caption_lines, map_pixels
from render.png_layout import _REF_HEIGHT, _REF_WIDTH

#: Every frame's title: a preset's own title may name its date ("facts as of 2026-11-28"),
#: which a frame of another date must not show.
FRAME_TITLE = "NATO's eastern flank through time"
#: How long each frame shows, and the last one (the end state is read longest), in ms.
FRAME_MS = 1200
LAST_FRAME_MS = 4000
#: Colours the frames share: the map has a few flat colours; text edges need the rest.
_COLOURS = 128
#: Every so many rows of each frame go into the shared palette (markers are taller than that).
_PALETTE_ROWS = 4


def animation_dates(
    start: dt.date | None = None, end: dt.date | None = None, every: int = 1
) -> list[dt.date]:
    """Return the frame dates from ``start`` to ``end``: each dated change between, both ends.

    ``start`` defaults to the first dated record, ``end`` to today.

    Raises
    ------
    geo.errors.InputError
        ``end`` before ``start``, or ``every`` below 1.
    """
    steps = [dt.date.fromisoformat(d) for d in event_dates()]
    return frame_dates(steps, start or steps[0], end or today(), every)


def frames_comment(days: Sequence[dt.date]) -> str:
    """Return the GIF comment that names each frame's date, in order.

    Examples
    --------
    >>> frames_comment([dt.date(2014, 3, 18), dt.date(2017, 6, 19)])
    'flankmap frames: 2014-03-18 2017-06-19'
    """
    return "flankmap frames: " + " ".join(day.isoformat() for day in days)


def _stamp(pixels: np.ndarray, day: dt.date):
    """Make a frame of the map's pixels, ``day`` written large in the panel, under the legend."""
    image = Image.fromarray(pixels).convert("RGB")
    width, height = image.size
    scale = min(width / _REF_WIDTH, height / _REF_HEIGHT)
    font = ImageFont.truetype(
        font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans", weight="bold")),
        max(12, round(44 * scale)),
    )
    text = day.isoformat()
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    pad = round(12 * scale)
    x = width - round(PANEL_PX * scale) + round(16 * scale)  # the legend panel's left edge
    y = round(height * 0.72) - (bottom - top) - 2 * pad  # below the legend and its summary
    draw.rounded_rectangle(
        (x, y, x + (right - left) + 2 * pad, y + (bottom - top) + 2 * pad),
        radius=pad,
        fill="#1b1b1b",
    )
    draw.text((x + pad - left, y + pad - top), text, font=font, fill="white")
    return image


def to_gif(
    scene: Scene,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    every: int = 1,
    width: int = DEFAULTS["gif"]["width"],
    height: int = DEFAULTS["gif"]["height"],
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Return an animated GIF of ``scene``'s scenario and layers from ``start`` to ``end``.

    One frame per dated change (``every``: one change in so many; the ends always stay), each
    drawn as the PNG export at ``width`` × ``height`` with its date large and the user's
    overlay of ``scene`` if it has one; all frames have one layout (the caption's room is the
    longest one's), so the map stands still.
    ``progress(done, total)`` is called after each frame.

    Raises
    ------
    geo.errors.InputError
        Bad dates or step, or a size the PNG export refuses.
    """
    days = animation_dates(start, end, every)
    scenario = replace(scene.scenario, title=FRAME_TITLE)
    # "Battle group X has no record on or before <date>": in an animation, that is the point.
    scenes = [
        replace(build_scene(scenario, day, scene.layers), notes=(), overlay=scene.overlay)
        for day in days
    ]
    lines = max(caption_lines(s, width=width, height=height) for s in scenes)
    frames = []
    for done, (day, frame_scene) in enumerate(zip(days, scenes, strict=True), start=1):
        pixels = map_pixels(frame_scene, width=width, height=height, min_caption_lines=lines)
        frames.append(_stamp(pixels, day))
        if progress is not None:
            progress(done, len(days))
    return _encode(frames, days)


def _encode(frames: Sequence, days: Sequence[dt.date]) -> bytes:
    """Write the frames as one looping GIF on one palette."""
    if not frames:
        raise InputError("an animation needs at least one date")
    # One palette for all frames, from every frame (a marker may exist in one of them only):
    # shared colours let Pillow store each frame as its difference from the one before.
    rows = [np.asarray(f)[::_PALETTE_ROWS] for f in frames]
    sample = Image.fromarray(np.concatenate(rows, axis=0))
    palette = sample.quantize(_COLOURS, method=Image.Quantize.MEDIANCUT)
    indexed = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    out = io.BytesIO()
    indexed[0].save(
        out,
        format="GIF",
        save_all=True,
        append_images=indexed[1:],
        duration=[FRAME_MS] * (len(indexed) - 1) + [LAST_FRAME_MS],
        loop=0,
        optimize=False,
        disposal=1,
        comment=frames_comment(days),
    )
    return out.getvalue()
