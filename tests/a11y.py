"""Accessibility checks for the browser walks (issue #17): axe-core runs on
every page state a walk acts on and the walk fails on any WCAG 2.2 A/AA
violation.

How it works, with Playwright's sync API:

- ``axe.min.js`` (vendored under tests/vendor/axe-core/, never served) is added
  to every document with ``BrowserContext.add_init_script``, which runs
  whatever the page's Content Security Policy says.
- While a walk runs, Playwright's actions that can navigate or start an htmx
  request (``Locator.click``, ``check``, ``select_option``, ``press``…,
  ``Page.goto``, ``go_back``…, ``Keyboard.press``) first check the document on
  screen, so each page is checked in the state the walk saw, including states
  htmx swapped in; the last state is checked when the walk ends. (Calling
  ``page.evaluate`` from Playwright's event or route handlers deadlocks the
  sync API; wrapping the actions does not.)
- A document whose path and element skeleton (tags, ids, classes, roles) were
  checked already is not checked again, so the tenth question of a
  questionnaire or a return to the home page costs a hash, not an axe run.

Walks added later need nothing: the ``page`` fixture turns the checks on, and
contexts a walk opens itself (``page.context.browser.new_context``) get axe too.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Runs in the page: wait for the load, hash the element skeleton, run axe
# when the skeleton is new.
_CHECK = """async ({seen, tags}) => {
  if (document.readyState !== 'complete') {
    await new Promise(r => addEventListener('load', r, {once: true}));
  }
  if (!window.axe || !document.body) return null;
  let hash = 0;
  for (const el of document.querySelectorAll('*')) {
    const sig = el.tagName + '#' + el.id + '.' + el.getAttribute('class') + '@'
      + el.getAttribute('role') + el.getAttribute('type') + (el.hidden ? 'h' : '')
      + el.getAttribute('aria-expanded') + el.getAttribute('open');
    for (let i = 0; i < sig.length; i++) hash = (hash * 31 + sig.charCodeAt(i)) | 0;
  }
  const key = location.pathname + '#' + hash;
  if (seen.includes(key)) return {key, skipped: true};
  const result = await window.axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return {key, violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary
      .replace(/\\s+/g, ' ').slice(0, 200)).slice(0, 6),
  }))};
}"""

# Errors that mean the page navigated or closed while it was being checked.
_GONE = (
    "Execution context was destroyed",
    "Target page, context or browser has been closed",
    "Target closed",
    "navigation",
)

# What may navigate, swap or end a page: checked before it runs.
_LOCATOR_ACTIONS = (
    "click",
    "dblclick",
    "check",
    "uncheck",
    "set_checked",
    "select_option",
    "press",
    "tap",
    "press_sequentially",
    "dispatch_event",
)
_PAGE_ACTIONS = ("goto", "go_back", "go_forward", "reload", "click", "close")
_KEYBOARD_ACTIONS = ("press",)


# Pages not checked, with the reason. Keep this short.
NOT_CHECKED = {
    # Swagger UI's own markup and stylesheet (vendored, third party): its
    # operation rows nest buttons and its method badges are low-contrast.
    "/api/v1/docs": "vendored Swagger UI",
}


@dataclass
class Checker:
    base: str = ""  # only pages of this origin (the app under test) are checked
    seen: list[str] = field(default_factory=list)
    found: list[dict[str, Any]] = field(default_factory=list)
    keyboards: dict[int, Any] = field(default_factory=dict)
    pages_checked: int = 0  # axe runs
    states: int = 0  # page states looked at (axe run or already seen)
    busy: bool = False

    def check(self, page: Any, why: str = "") -> None:
        """Run axe on the document ``page`` shows now (once per skeleton)."""
        if self.busy or page.is_closed() or not page.url.startswith(self.base):
            return
        if urlsplit(page.url).path in NOT_CHECKED:
            return
        self.busy = True
        try:
            url = page.url
            result = page.evaluate(_CHECK, {"seen": self.seen, "tags": TAGS})
        except Exception as error:
            if any(gone in str(error) for gone in _GONE):
                return  # the document went away mid-check: its successor is checked
            raise
        finally:
            self.busy = False
        if not result:
            return
        self.states += 1
        if result.get("skipped"):
            return
        self.seen.append(result["key"])
        self.pages_checked += 1
        for violation in result["violations"]:
            self.found.append({**violation, "url": url, "when": why})

    def report(self) -> str:
        lines = []
        for v in self.found:
            where = v["url"] + (f" (before {v['when']})" if v["when"] else "")
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} — {where}")
            lines.extend(f"    {target}" for target in v["targets"])
        return "\n".join(lines)

    def attach(self, context: Any) -> None:
        context.add_init_script(path=str(AXE))
        context.on("page", self._register)
        for page in context.pages:
            self._register(page)

    def _register(self, page: Any) -> None:
        self.keyboards[id(page.keyboard)] = page

    def finish(self, browser: Any) -> None:
        for context in browser.contexts:
            for page in context.pages:
                self.check(page, "the walk ended")


def _wrap(cls: Any, name: str, page_of: Any, checker: Checker) -> Any:
    original = getattr(cls, name)

    @functools.wraps(original)
    def checked(self: Any, *args: Any, **kwargs: Any) -> Any:
        page = page_of(self)
        if page is not None:
            checker.check(page, f"{type(self).__name__}.{name}")
        return original(self, *args, **kwargs)

    setattr(cls, name, checked)
    return original


@contextmanager
def checking(browser: Any, base: str) -> Iterator[Checker]:
    """Check every page of ``browser`` at ``base`` before each action and at
    the end."""
    from playwright.sync_api import Browser, Keyboard, Locator, Page

    checker = Checker(base=base)
    saved: list[tuple[Any, str, Any]] = []
    for cls, names, page_of in (
        (Locator, _LOCATOR_ACTIONS, lambda loc: loc.page),
        (Page, _PAGE_ACTIONS, lambda page: page),
        (Keyboard, _KEYBOARD_ACTIONS, lambda kb: checker.keyboards.get(id(kb))),
    ):
        for name in names:
            saved.append((cls, name, _wrap(cls, name, page_of, checker)))

    new_context = Browser.new_context

    def checked_context(self: Any, *args: Any, **kwargs: Any) -> Any:
        context = new_context(self, *args, **kwargs)
        checker.attach(context)
        original_close = context.close

        def close(*a: Any, **kw: Any) -> None:
            for page in context.pages:
                checker.check(page, "the walk closed its context")
            original_close(*a, **kw)

        context.close = close
        return context

    saved.append((Browser, "new_context", new_context))
    Browser.new_context = checked_context  # type: ignore[method-assign]
    try:
        yield checker
        checker.finish(browser)
    finally:
        for cls, name, original in reversed(saved):
            setattr(cls, name, original)
