"""Load packaging/*.py scripts as modules (packaging/ is not a package)."""

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def load_packaging_module(name: str):
    """``packaging/<name>.py`` imported under a private module name."""
    spec = importlib.util.spec_from_file_location(f"recscope_packaging_{name}", REPO / "packaging" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
