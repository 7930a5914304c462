"""engine.store: the project file (one SQLite database) — data set, split, runs with their
models (safetensors), rule sets, reports and notes. See ``engine.store.project``."""

from engine.store.project import Contents, Project, save_new, with_suffix
from engine.store.schema import SCHEMA_VERSION, SUFFIX

__all__ = ["Contents", "Project", "SCHEMA_VERSION", "SUFFIX", "save_new", "with_suffix"]
