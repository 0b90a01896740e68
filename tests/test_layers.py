"""Who may import whom (DESIGN.md): an app's models, services and tasks import only
apps listed above it, so a new arrow upward fails here instead of in review."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "alliance"

# app → apps its models/services/tasks may import (besides itself).
ALLOWED = {
    "core": set(),
    "audit": {"core"},
    "accounts": {"core", "audit"},
    "clients": {"core", "audit", "accounts"},
    "alerts": {"core", "audit", "accounts", "clients"},
    "techniques": {"core"},
    "scheduling": {"core", "audit", "accounts", "clients"},
    "notes": {"core", "audit", "accounts", "clients", "alerts", "scheduling"},
    "measures": {"core", "audit", "accounts", "clients", "alerts"},
    "intake": {"core", "audit", "accounts", "clients", "alerts"},
}
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


def test_permissions_imports_only_accounts_clients_and_audit():
    imported = _alliance_imports(ROOT / "permissions.py")
    assert imported <= {"accounts", "clients", "audit", "core"}
