"""The sidebar's export panel: pick a format, prepare the file, download it."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.dates import today
from geo.errors import FlankmapError
from render.export import (
    ANIMATED_FORMATS,
    FORMAT_LABELS,
    FORMATS,
    MEDIA_TYPES,
    export_bytes,
    export_filename,
)
from ui import cache
from ui.state import key


def export_panel(scene, cached_view: tuple | None) -> None:
    """Show the export panel for ``scene``.

    ``cached_view`` is ``(scenario_id, as_of, layers)`` of a preset view, whose files are
    cached; ``None`` for the user's own scenario or line (drawn afresh each time).
    """
    st.subheader("Export")
    fmt = st.selectbox(
        "Export format",
        (*FORMATS, *ANIMATED_FORMATS),
        format_func=FORMAT_LABELS.get,
        key=key("export_format"),
    )
    animated = fmt in ANIMATED_FORMATS
    span = None
    if animated:
        span_options = sorted({*cache.dates(), today()})
        span = st.select_slider(
            "Animation from … to",
            options=span_options,
            value=(span_options[0], span_options[-1]),
            format_func=dt.date.isoformat,
            key=key("export_span"),
            help="One frame per dated record between the two dates, drawn like the PNG.",
        )
    file_name = export_filename(scene, fmt, span)
    ready = st.session_state.get(key("export"))
    if st.button("Prepare download", key=key("export_prepare")):
        with st.spinner(f"Rendering {FORMAT_LABELS[fmt]}…"):
            try:
                payload = _render(scene, fmt, span, cached_view)
            except FlankmapError as err:
                st.error(str(err))
            else:
                ready = st.session_state[key("export")] = (file_name, payload)
    if ready and ready[0] == file_name:
        st.download_button(
            f"Download {file_name}",
            data=ready[1],
            file_name=file_name,
            mime=MEDIA_TYPES[fmt],
            key=key("export_download"),
            on_click="ignore",
        )


def _render(scene, fmt: str, span, cached_view) -> bytes:
    if span is not None:  # a minute or two: a bar shows the frames drawn
        bar = st.progress(0.0, text="Drawing the frames…")
        payload = export_bytes(
            scene,
            fmt,
            start=span[0],
            end=span[1],
            progress=lambda done, total: bar.progress(
                done / total, text=f"Frame {done} of {total}"
            ),
        )
        bar.empty()
        return payload
    if cached_view is None:
        return export_bytes(scene, fmt)
    return cache.preset_export(*cached_view, fmt)
