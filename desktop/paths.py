"""Where bundled resources live, from a source checkout or a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_root() -> Path:
    """The ``resources/`` folder: ``sys._MEIPASS/resources`` when frozen, else the repo's."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[1] / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource_path("icons", "data.svg")``."""
    return resource_root().joinpath(*parts)


DEMO_DATA = ("demo", "online_retail_demo.csv")
