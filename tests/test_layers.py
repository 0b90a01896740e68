"""Who may import whom (DESIGN.md): an app's models, services and tasks import only
apps listed above it, so a new arrow upward fails here instead of in review."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "alliance"

# DESIGN.md's order, top to bottom: an app's inner layers may import only apps
# above it. Apps on one line may not import each other, except where DESIGN.md
# says so (scheduling for notes, intake for plans).
ORDER = [
    ["core"],
    ["audit"],
    ["accounts"],
    ["clients"],
    ["alerts", "techniques", "safety", "messaging"],
    ["scheduling"],
    ["notes", "measures", "intake", "checkins"],
    ["plans", "homework", "toolbox"],
    ["termination"],
    ["aftercare"],
    ["reminders"],
    ["portal", "home", "demo", "api"],
]
EXTRA = {"notes": {"scheduling"}, "plans": {"intake", "notes"}, "homework": {"notes"}}
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
ALLOWED = ABOVE
INNER = ("models.py", "services.py", "tasks.py", "selectors.py")


def _alliance_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "alliance" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_inner_layers_import_only_apps_above_them():
    problems = []
    for app, allowed in ALLOWED.items():
        for filename in INNER:
            path = ROOT / app / filename
            if not path.exists():
                continue
            bad = _alliance_imports(path) - allowed - {app}
            if bad:
                problems.append(f"alliance/{app}/{filename} imports {sorted(bad)}")
    assert problems == []


def test_every_app_has_a_place_in_the_order():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps - set(ALLOWED) == set()


def test_permissions_imports_only_accounts_clients_and_audit():
    imported = _alliance_imports(ROOT / "permissions.py")
    assert imported <= {"accounts", "clients", "audit", "core"}
