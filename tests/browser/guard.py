"""What the browser tests' pages may ask for: loopback only. Every request beyond it is
refused by Chromium itself and recorded here, page by page, with every JavaScript dialog."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page

from .tab import Tab

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
#: Every browser context of the tests is a person who asked for reduced motion: a setting the
#: app must work with (it has no code of its own for it), and Streamlit's frontend then paints
#: fewer transitions: Chromium spends about a tenth less CPU on the browser tests.
CONTEXT_OPTIONS = {"reduced_motion": "reduce"}
LOCAL_SCHEMES = {"data", "blob", "about"}


def is_loopback(url: str) -> bool:
    """Whether a request stays on this machine (or never leaves the page)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOOPBACK


def _guard(context: BrowserContext, blocked: list[str]) -> None:
    """Refuse and record every request of ``context`` beyond loopback, by intercepting them all.

    For scripts/benchmark.py, which measures pages as they were measured before: intercepting
    turns Chromium's cache off. The tests use :class:`Guard`, which only watches (Chromium's own
    proxy settings refuse the requests, :data:`CHROMIUM_ARGS`).
    """

    def route(route) -> None:
        url = route.request.url
        if is_loopback(url):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    def websocket(ws) -> None:
        blocked.append(ws.url)
        ws.close()

    context.route("**/*", route)
    context.route_web_socket(lambda url: not is_loopback(url), websocket)


class Guard:
    """Records what the pages of one browser context ask beyond loopback, page by page.

    Chromium refuses such requests itself (:data:`CHROMIUM_ARGS`); this tells which page asked.
    What no page of ours asked (a worker, a pop-up) is recorded in ``stray``; what got an answer
    despite the refusal in the page's ``reached``.
    """

    def __init__(self, context: BrowserContext):
        self.tabs: dict[Page, Tab] = {}
        #: Pages a test has given back, parked on ``about:blank`` for the next one.
        self.idle: list[Page] = []
        self.stray: list[str] = []
        self.stray_reached: list[str] = []
        context.on("request", lambda request: self._note(request, "blocked", self.stray))
        context.on("response", lambda answer: self._note(answer, "reached", self.stray_reached))
        context.on("page", self._watch)
        self._watched: set[Page] = set()

    @classmethod
    def of(cls, context: BrowserContext) -> Guard:
        """The guard of ``context``, made on first use."""
        if not hasattr(context, "_flankmap_guard"):
            context._flankmap_guard = cls(context)
        return context._flankmap_guard

    def tab(self, context: BrowserContext, page: Page) -> Tab:
        """A :class:`Tab` for ``page`` whose record this guard keeps, dialogs included."""
        tab = Tab(context, page)
        self.tabs[page] = tab
        self._watch(page)
        return tab

    def _watch(self, page: Page) -> None:
        """Watch ``page`` once, whichever test has it: websockets and dialogs go on its record."""
        if page not in self._watched:
            self._watched.add(page)
            page.on("websocket", lambda ws: self._record(page, ws.url, "blocked", self.stray))
            page.on("dialog", lambda dialog: self._dialog(page, dialog))

    def _dialog(self, page: Page, dialog) -> None:
        tab = self.tabs.get(page)
        if tab:
            tab.dialogs.append(dialog.message)
        else:
            self.stray.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def _note(self, event, kind: str, stray: list[str]) -> None:
        request = getattr(event, "request", event)
        try:
            page = request.frame.page
        except Exception:  # a service worker's request has no frame
            page = None
        self._record(page, event.url, kind, stray)

    def _record(self, page: Page | None, url: str, kind: str, stray: list[str]) -> None:
        if is_loopback(url):
            return
        tab = self.tabs.get(page)
        (getattr(tab, kind) if tab else stray).append(url)

    def check(self) -> None:
        """Fail if anything outside our pages asked beyond loopback (and forget it)."""
        stray, reached = self.stray[:], self.stray_reached[:]
        self.stray.clear()
        self.stray_reached.clear()
        assert not reached, f"requests beyond loopback were answered: {reached}"
        assert not stray, f"requests beyond loopback were made: {stray}"


def new_tab(browser: Browser, viewport: tuple[int, int] = (1400, 1000)) -> Tab:
    """A fresh browser context and page, guarded: loopback only, dialogs recorded."""
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height}, **CONTEXT_OPTIONS)
    return Guard.of(context).tab(context, context.new_page())


def shared_tab(context: BrowserContext, viewport: tuple[int, int] = (1400, 1000)) -> Tab:
    """A page in the shared ``context``, guarded like :func:`new_tab`: one a test gave back, if
    any (its renderer has the app's scripts compiled: a load costs less than half the CPU of a
    new page's), else a new one. It shows ``about:blank`` until the test navigates."""
    guard = Guard.of(context)
    page = guard.idle.pop() if guard.idle else context.new_page()
    width, height = viewport
    page.set_viewport_size({"width": width, "height": height})
    return guard.tab(context, page)


def close_and_check(tabs: list[Tab], shared: BrowserContext | None = None) -> None:
    """Give the shared tabs' pages back (close the others' contexts); fail if any asked beyond
    loopback.

    A page given back drops what the test hung on it (:meth:`Tab.release`) and leaves the app
    for ``about:blank``, which ends its Streamlit session; the next test's visit is a new one.
    """
    for tab in tabs:
        tab.release()
        if tab.context is not shared:
            tab.context.close()
        elif not tab.page.is_closed():
            tab.page.goto("about:blank")
            Guard.of(shared).idle.append(tab.page)
    for tab in tabs:
        assert not tab.reached, f"requests beyond loopback were answered: {tab.reached}"
        assert not tab.blocked, f"requests beyond loopback were made: {tab.blocked}"
        assert not tab.dialogs, f"the page opened dialogs: {tab.dialogs}"
    if shared is not None:
        Guard.of(shared).check()
