"""Fixtures for the project-file tests: the bundled demo data, a split, an EASE and a BPR run, and
a small saved project (a 2,500-row slice of the demo) for the fuzz test."""

from pathlib import Path

import pytest

from engine.data import open_dataset
from engine.data.splits import split
from engine.models.bpr import BPR
from engine.runs import train_run
from engine.store import save_new

REPO = Path(__file__).resolve().parents[3]
DEMO = REPO / "resources" / "demo" / "online_retail_demo.csv"


@pytest.fixture(scope="session")
def demo_csv() -> Path:
    return DEMO


def _build(path):
    ds = open_dataset(path)
    sp = split(ds.interactions, "random", test_frac=0.2, seed=3, valid_frac=0.1,
               extra_items=None if ds.catalog is None else ds.catalog.item_ids)
    ease = train_run("ease", {}, sp, catalog=ds.catalog, name="ease #1")
    bpr = train_run("bpr", dict(BPR.fast_params, epochs=3, seed=5), sp, catalog=ds.catalog, name="bpr #1")
    return ds, sp, [ease, bpr]


@pytest.fixture(scope="session")
def demo(demo_csv):
    """(Dataset, Split, [EASE run, BPR run with history]) on the demo data."""
    return _build(demo_csv)


@pytest.fixture(scope="session")
def small_project_bytes(demo_csv, tmp_path_factory) -> bytes:
    """The bytes of a complete project (data set, split, EASE + BPR runs, a rule set) built from
    the first 1,000 rows of the demo data: small enough to load hundreds of times."""
    folder = tmp_path_factory.mktemp("small")
    lines = demo_csv.read_text(encoding="utf-8").splitlines()[:1001]
    csv = folder / "slice.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds, sp, runs = _build(csv)
    path = folder / "small.recscope"
    project = save_new(path, dataset=ds, split=sp, runs=runs)
    project.save_rules("tail", {"rules": [{"type": "long_tail", "weight": 0.5}]})
    project.close()
    return path.read_bytes()
