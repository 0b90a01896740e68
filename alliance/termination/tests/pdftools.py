"""Read PDFs back in tests: their text with pdftotext and their first page as a
PNG with pdftoppm (poppler-utils). Without poppler a test is skipped, except
on CI (``CI`` set), where a missing tool fails the run instead."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def _need(tool: str) -> None:
    if shutil.which(tool):
        return
    if os.environ.get("CI"):
        pytest.fail(f"{tool} (poppler-utils) is required on CI")
    pytest.skip(f"{tool} (poppler-utils) is not installed")


def pdf_text(data: bytes, tmp_path: Path) -> str:
    _need("pdftotext")
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def pdf_pages(data: bytes, tmp_path: Path) -> list[Path]:
    """Every page rendered to a PNG at 50 dpi."""
    _need("pdftoppm")
    path = tmp_path / "render.pdf"
    path.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "page")],
        check=True,
    )
    return sorted(tmp_path.glob("page*.png"))
