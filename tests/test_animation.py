"""``flankmap export --format gif``: an animated GIF, one frame per dated change, within budget."""

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from geo.dates import today
from layers.facts.tables import event_dates

BUDGET = 4 * 1024 * 1024  # bytes, at 1200x900 from 2014 to today


def frames_of(path: Path) -> tuple[list[np.ndarray], list[str]]:
    """The frames of a GIF as RGB arrays, and the dates its comment names."""
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.is_animated
        comment = gif.info["comment"].decode()
        frames = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(gif)]
    assert comment.startswith("flankmap frames: ")
    return frames, comment.removeprefix("flankmap frames: ").split()


def map_box(frame: np.ndarray) -> tuple[int, int, int]:
    """Top, bottom and left edge of the map: the one tall block that is not page-white."""
    height, width, _ = frame.shape
    blank = frame.min(axis=-1) >= 240
    column = blank[:, width // 2]
    top = int(np.argmax(~column[height // 12 :])) + height // 12  # below the title and date
    run = np.convolve(column[top:].astype(int), np.ones(5, dtype=int), "valid")
    bottom = top + int(np.argmax(run == 5))  # the first five page-white rows end the map
    left = int(np.argmax(~blank[(top + bottom) // 2]))
    return top, bottom, left


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """The whole story, 2014 to today, at the default 1200x900, written through the CLI."""
    from cli.main import main

    folder = tmp_path_factory.mktemp("gif")
    argv = ["export", "--scenario", "latest", "--format", "gif", "--from", "2014-01-01"]
    assert main([*argv, "--out", str(folder)]) == 0
    (path,) = folder.iterdir()
    return path


def test_gif_has_one_frame_per_dated_change_in_order(story):
    frames, dates = frames_of(story)
    changes = [d for d in event_dates() if "2014-01-01" < d < today().isoformat()]
    assert dates == ["2014-01-01", *changes, today().isoformat()]
    assert len(frames) == len(dates)
    assert frames[0].shape == (900, 1200, 3)
    assert story.name == f"flankmap_latest_2014-01-01_to_{today().isoformat()}.gif"


def test_gif_fits_the_size_budget(story):
    size = story.stat().st_size
    assert size <= BUDGET, f"{size / 1e6:.2f} MB for 2014 to today at 1200x900"


def test_frames_change_where_the_story_changes(story):
    frames, dates = frames_of(story)
    # Each frame shows its own date large, so no two neighbours are the same picture.
    for before, after, day in zip(frames, frames[1:], dates[1:], strict=False):
        assert (before != after).any(), f"the frame of {day} repeats the one before"
    # Frames share one layout: the map stands where it is, however long the caption.
    boxes = [map_box(f) for f in frames]
    assert all(box == boxes[0] for box in boxes), f"the map moves between frames: {set(boxes)}"


def test_step_keeps_every_nth_change_and_both_ends(tmp_path, run_cli):
    out = tmp_path / "short.gif"
    status, printed, err = run_cli(
        [
            *("export", "--scenario", "efp-2017", "--format", "gif"),
            *("--from", "2017-01-01", "--to", "2017-12-31", "--step", "2"),
            *("--width", "400", "--height", "300", "--out", str(out)),
        ]
    )
    assert status == 0, err
    assert printed.strip() == str(out)
    assert "frame" in err  # tqdm's progress bar, on stderr
    frames, dates = frames_of(out)
    steps = [dt.date.fromisoformat(d) for d in event_dates()]
    in_2017 = [d.isoformat() for d in steps if dt.date(2017, 1, 1) < d < dt.date(2017, 12, 31)]
    assert dates == ["2017-01-01", *in_2017[1::2], "2017-12-31"]
    assert len(frames) == len(dates)
    assert frames[0].shape == (300, 400, 3)


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--from", "2022-01-01", "--to", "2021-01-01"], "before --from"),
        (["--from", "1900-01-01"], "out of range"),
        (["--to", "2022-02-30"], "--to"),
        (["--from", "2014-01-01", "--step", "0"], "--step"),
        (["--as-of", "2022-02-23"], "--as-of"),
    ],
)
def test_bad_dates_exit_2_with_one_line_and_no_file(tmp_path, run_cli, extra, says):
    out = tmp_path / "bad.gif"
    argv = ["export", "--scenario", "latest", "--format", "gif", *extra, "--out", str(out)]
    status, printed, err = run_cli(argv)
    assert status == 2
    assert printed == ""
    assert says in err
    assert err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_span_options_need_the_gif_format(tmp_path, run_cli):
    argv = ["export", "--scenario", "latest", "--format", "png", "--from", "2014-01-01"]
    status, _, err = run_cli([*argv, "--out", str(tmp_path / "x.png")])
    assert status == 2
    assert "--from only go with --format gif" in err
    assert list(tmp_path.iterdir()) == []


def test_no_frame_shows_a_title_that_names_a_later_date(monkeypatch):
    """`latest` is titled with its facts' date; a 2017 frame must not carry that title."""
    import render.animation
    from layers.scenario.scenarios import get_scenario
    from layers.scenario.scene import build_scene
    from render.animation import FRAME_TITLE, to_gif

    drawn = []

    def fake_pixels(scene, **_options):
        drawn.append((scene.as_of, scene.scenario.title))
        return np.full((900, 1200, 4), 255, dtype=np.uint8)

    monkeypatch.setattr(render.animation, "map_pixels", fake_pixels)
    monkeypatch.setattr(render.animation, "caption_lines", lambda *_a, **_k: 1)
    latest = get_scenario("latest")
    assert "2026" in latest.title or latest.as_of.year > 2017
    to_gif(build_scene(latest), start=dt.date(2017, 1, 1), end=dt.date(2017, 12, 31))
    assert drawn
    assert {title for _day, title in drawn} == {FRAME_TITLE}
