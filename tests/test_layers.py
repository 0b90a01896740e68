"""Who may import whom (DESIGN.md, CONTRIBUTING.md): every module of an app (models,
services, selectors, tasks, forms, views, urls, management commands, helpers)
imports only apps listed above it, so a new arrow upward fails here instead of in
review. Only page-level apps compose many apps' pages; views and urls may also
use ``alliance/permissions.py``. Tests and migrations are not checked."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "alliance"

# DESIGN.md's order, top to bottom: an app's inner layers may import only apps
# above it. Apps on one line may not import each other, except where DESIGN.md
# says so (scheduling for notes, intake for plans).
ORDER = [
    ["core"],
    ["audit"],
    ["operations"],
    ["accounts"],
    ["clients"],
    ["alerts", "techniques", "safety", "messaging"],
    ["scheduling"],
    ["notes", "measures", "intake", "checkins", "journal", "guides"],
    ["plans", "homework", "toolbox", "billing"],
    ["termination"],
    ["aftercare"],
    ["reminders"],
    ["supervision"],
    ["chart", "portal", "home", "demo", "fhir", "api", "exports", "reports"],
]
# Page level: they compose pages out of any app's selectors; nothing imports them.
PAGE_LEVEL = {"chart", "portal", "home", "demo", "api", "fhir", "exports", "reports"}
EXTRA = {
    "notes": {"scheduling"},
    "plans": {"intake", "notes"},
    "homework": {"notes"},
    # The toolbox's guided exercises are homework's scripts (homework/guided.py).
    "toolbox": {"homework"},
}
ABOVE: dict[str, set[str]] = {}
for depth, level in enumerate(ORDER):
    for app in level:
        ABOVE[app] = {a for upper in ORDER[:depth] for a in upper} | EXTRA.get(
            app, set()
        )
# Narrower than the order allows (DESIGN.md's own arrows).
ABOVE["alerts"] = {"core", "audit", "accounts", "clients"}
ABOVE["techniques"] = {"core"}
ABOVE["safety"] = {"core", "audit", "accounts", "clients", "alerts"}
ABOVE["messaging"] = {"core", "audit", "accounts", "clients"}
ABOVE["checkins"] = {"core", "audit", "accounts", "clients", "alerts"}
ABOVE["journal"] = {"core", "audit", "accounts", "clients"}
ABOVE["guides"] = {"core", "audit", "accounts", "clients"}
# Supervision records name clinicians and clients, nothing of the record.
ABOVE["supervision"] = {"core", "audit", "accounts", "clients"}
ALLOWED = ABOVE
# Views and urls decide access through the one access module.
VIEW_MODULE = re.compile(r"(^|_)(views|urls)\.py$")
# Apps whose templates may include only their own and earlier apps' templates
# (the spine knows no capability built on it).
SPINE = ("core", "audit", "operations", "accounts", "clients")
TEMPLATE_REF = re.compile(r"""{%\s*(?:include|extends)\s+["']([a-z_]+)/""")


def _alliance_imports(path: Path) -> set[str]:
    """The Alliance modules (``alliance.<name>``) a file imports, relative
    imports and ``from alliance import permissions`` included."""
    tree = ast.parse(path.read_text())
    package = list(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = [*base, *(node.module.split(".") if node.module else [])]
            if module == ["alliance"]:
                names = [f"alliance.{alias.name}" for alias in node.names]
            else:
                names = [".".join(module)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "alliance" and len(parts) > 1:
                found.add(parts[1])
    return found


def _modules(app: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / app).rglob("*.py")
        if path.relative_to(ROOT / app).parts[0] not in ("tests", "migrations")
    )


def _upward_imports() -> dict[str, set[str]]:
    found = {}
    for app, allowed in ALLOWED.items():
        if app in PAGE_LEVEL:
            continue
        for path in _modules(app):
            ok = allowed | {app}
            if VIEW_MODULE.search(path.name):
                ok = ok | {"permissions"}
            bad = _alliance_imports(path) - ok
            if bad:
                found[str(path.relative_to(ROOT.parent))] = bad
    return found


def test_every_module_imports_only_apps_above_it():
    # No exceptions: a page that needs a later app's parts belongs to a
    # page-level app, and a step a later app must take is a signal it connects.
    assert _upward_imports() == {}


def test_the_inner_layers_never_use_permissions():
    inner = [
        str(path.relative_to(ROOT.parent))
        for app in ALLOWED
        for path in _modules(app)
        if not VIEW_MODULE.search(path.name)
        and app not in PAGE_LEVEL
        and "permissions" in _alliance_imports(path)
    ]
    assert inner == []


def test_core_imports_nothing_of_alliance():
    # Every file of core, its migrations included (its tests use the apps).
    imported = {
        str(path.relative_to(ROOT.parent)): _alliance_imports(path) - {"core"}
        for path in sorted((ROOT / "core").rglob("*.py"))
        if "tests" not in path.relative_to(ROOT / "core").parts
    }
    assert {path: names for path, names in imported.items() if names} == {}


def test_the_spine_includes_no_later_apps_templates():
    problems = []
    for app in SPINE:
        for path in sorted((ROOT / app).rglob("*.html")):
            for used in TEMPLATE_REF.findall(path.read_text()):
                if used not in ALLOWED[app] | {app, "includes"}:
                    problems.append(f"{path.relative_to(ROOT.parent)} uses {used}/")
    assert problems == []


def test_no_app_imports_a_page_level_app():
    users = {
        str(path.relative_to(ROOT.parent))
        for app in ALLOWED
        if app not in PAGE_LEVEL
        for path in _modules(app)
        if _alliance_imports(path) & PAGE_LEVEL
    }
    assert users == set()


def test_every_app_has_a_place_in_the_order():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps - set(ALLOWED) == set()


def test_permissions_imports_only_accounts_clients_and_audit():
    imported = _alliance_imports(ROOT / "permissions.py")
    assert imported <= {"accounts", "clients", "audit", "core"}
