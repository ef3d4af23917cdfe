"""The page around the map: a compact layout, the date shown large on the map, the map's name.

The date is an element laid over the map by CSS, not part of the map: it works whatever carries
the map to the browser, and changing it never touches the map (pan and zoom stay). The map's
accessible name is set on its frame by a small script, for the same reason.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup, escape

from layers.scenario.scenarios import KINDS
from layers.scenario.scene import Scene

#: Layout for the map first: less blank space above the content, a compact metric strip, and
#: the date box laid over the map's top-right corner (its own element takes no height).
#: Captions are darkened to a contrast of about 7:1 (Streamlit fades them to 3.9:1 on white;
#: WCAG AA asks for 4.5:1).
PAGE_CSS = """
[data-testid="stMainBlockContainer"] { padding-top: 3.75rem; padding-bottom: 3rem; }
[data-testid="stMain"] h3 { padding-top: 0.25rem; padding-bottom: 0; }
[data-testid="stMain"] [data-testid="stMetric"] { padding: 0; }
[data-testid="stMain"] [data-testid="stMetricValue"] { font-size: 1.3rem; line-height: 1.4; }
[data-testid="stMain"] [data-testid="stMetricLabel"] { min-height: 1rem; }
[data-testid="stHorizontalBlock"]:has(> * [data-testid="stMetric"]) { row-gap: 0.5rem; }
[data-testid="stElementContainer"]:has(.fm-date) {
    height: 0; margin-bottom: -1rem; position: relative; z-index: 5;
}
.fm-date {
    position: absolute; top: 10px; right: 10px; pointer-events: none;
    font: 700 2rem/1.1 "Source Sans", sans-serif; font-variant-numeric: tabular-nums;
    color: #1b1b1b; background: rgba(255, 255, 255, 0.88); border-radius: 0.4rem;
    padding: 0.15rem 0.6rem; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.25);
}
.fm-date small { display: block; font-size: 0.75rem; font-weight: 600; color: #3d3d3d; }
[data-testid="stCaptionContainer"] { opacity: 0.8; }
.fm-sr-only {
    position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
    white-space: nowrap;
}
@media (max-width: 640px) { .fm-date { font-size: 1.4rem; } }
.fm-head-placeholder { color: #5c5c5c; padding-top: 0.25rem; }
.fm-head-title { font-size: 1.75rem; font-weight: 600; line-height: 1.2; color: #31333f; }
"""

#: The title row and the figures above the map keep their height while a first visit's map
#: draws alone and while they arrive, so the map does not move. ``HEAD`` is the class Streamlit
#: gives their keyed container (``page_css``).
HEAD_CSS = """
.HEAD { min-height: 176px; }
@media (max-width: 1100px) { .HEAD { min-height: 292px; } }
@media (max-width: 640px) { .HEAD { min-height: 348px; } }
"""

#: Names the map's frame (the one iframe of the column this element sits in) for screen
#: readers: ``aria-label`` gives the accessible name, so the frame's own title is left alone.
_NAME_SCRIPT = """
(function () {
    function label() {
        const marker = document.getElementById("fm-map-name");
        if (!marker) { return; }
        const column = marker.closest('[data-testid="stColumn"]') || document;
        column.querySelectorAll("iframe").forEach((frame) => {
            if (frame.getAttribute("aria-label") !== marker.textContent) {
                frame.setAttribute("aria-label", marker.textContent);
            }
        });
    }
    label();
    if (!window.__fmMapName) {
        window.__fmMapName = new MutationObserver(label);
        window.__fmMapName.observe(document.body, {childList: true, subtree: true,
                                                   characterData: true});
    }
})();
"""


def map_name(scene: Scene) -> str:
    """Return the map's accessible name: what it is, the scenario, its kind and the date.

    Examples
    --------
    >>> import datetime as dt
    >>> from layers.scenario.scenarios import load_presets
    >>> from layers.scenario.scene import build_scene
    >>> s = load_presets()["efp-2017"]
    >>> map_name(build_scene(s, dt.date(2018, 6, 1), ("members", "battlegroups")))
    "Map of NATO's eastern flank on 2018-06-01: Enhanced Forward Presence (end of 2017), ...
    """
    metrics = scene.metrics
    return (
        f"Map of NATO's eastern flank on {scene.as_of.isoformat()}: {scene.scenario.title}, "
        f"{KINDS[scene.scenario.kind].lower()}; {metrics.battlegroups} battle groups in "
        f"{len(metrics.hosts)} host countries. The table 'What the map shows' lists them."
    )


def date_box_html(scene: Scene, *, playing: bool) -> str:
    """Return the date box laid over the map, and the map's name for screen readers.

    The box is ``aria-hidden`` (the name says the date); while playing, a polite live region
    announces each new date once.
    """
    day: dt.date = scene.as_of
    status = Markup("<small>playing</small>") if playing else Markup("")
    live = (
        Markup('<span class="fm-sr-only" aria-live="polite">{}</span>').format(day.isoformat())
        if playing
        else Markup("")
    )
    return str(
        Markup(
            '<div class="fm-date" aria-hidden="true">{day}{status}</div>'
            '<span id="fm-map-name" class="fm-sr-only">{name}</span>{live}'
            "<script>{script}</script>"
        ).format(
            day=day.isoformat(),
            status=status,
            name=escape(map_name(scene)),
            live=live,
            script=Markup(_NAME_SCRIPT),
        )
    )


def head_placeholder_html(title: str) -> str:
    """Return what stands for the title row and the figures while a first visit's map draws.

    The scenario's title (escaped), and a word that the controls are coming.
    """
    return str(
        Markup(
            '<div class="fm-head-placeholder" aria-busy="true">'
            '<p class="fm-head-title">{}</p>Loading the controls…</div>'
        ).format(title)
    )


def page_css(head_key: str) -> str:
    """Return the page stylesheet as a ``<style>`` element (no data in it).

    ``head_key`` is the key of the container that holds the title row and the figures.
    """
    head = HEAD_CSS.replace("HEAD", f"st-key-{head_key}")
    return f"<style>{PAGE_CSS}{head}</style>"
