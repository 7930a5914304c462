"""What every `recscope` sub-command shares: the one-line usage error, argument types, JSON
output, stderr progress, loading a data file (and a catalog), building and fitting a model.

Public inside ``engine.cli``; the sub-command modules import these and nothing imports them back.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from engine.errors import EngineError

if TYPE_CHECKING:
    from engine.data.load_filters import LoadFilters
    from engine.data.recipe import Recipe


#: Terminal escape sequences (CSI, OSC, two-byte), then single control characters: C0 but tab and
#: newline, DEL, C1, and the bidirectional overrides that make text display as something else.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """``text`` without terminal escape sequences; other control characters become "?"."""
    return _CONTROLS.sub("?", _ESCAPES.sub("", text))


class _PlainStream:
    """A text stream that writes ``plain(text)`` to ``stream``."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(plain(text))

    def __getattr__(self, name):
        return getattr(self._stream, name)


@contextlib.contextmanager
def terminal_text():
    """Within the block, stdout and stderr carry no terminal escapes (``plain``)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _PlainStream(out), _PlainStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


class UsageError(EngineError):
    """A bad command-line argument."""


class Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line on stderr with exit status 2."""

    def error(self, message: str):  # noqa: D401 - argparse hook
        raise UsageError(f"{self.prog}: {message}")


def parse_params(pairs: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param expects key=value, got {pair!r}")
        out[key.strip()] = value.strip()
    return out


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return value


def fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} must be in [0, 1)")
    return value


def print_json(obj) -> None:
    print(json.dumps(obj, default=json_default))


def json_default(o):
    import numpy as np
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def stderr_progress(enabled: bool):
    """A progress callback printing throttled one-line updates to stderr (when enabled)."""
    if not enabled:
        return None
    last = [0.0]

    def cb(p):
        now = time.monotonic()
        if now - last[0] < 1.0 and not p.metrics:
            return
        last[0] = now
        frac = "" if p.fraction is None else f"{100 * p.fraction:5.1f}% "
        extra = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in p.metrics.items())
        print(f"  {frac}{p.message} {extra}".rstrip(), file=sys.stderr)

    return cb


def add_import_args(s, catalog: bool = True) -> None:
    """The options that say how a data file is read (info, split, train, evaluate, tune)."""
    g = s.add_argument_group("reading the data file")
    g.add_argument("--map", action="append", metavar="ROLE=COLUMN",
                   help="use COLUMN for ROLE where the inference is wrong (repeatable): roles user, basket "
                        "(order/invoice id), item, value, timestamp, event, title, category, price, description; "
                        "value_kind=rating|quantity|weight, date_order=DMY|MDY|YMD; ROLE= clears a role")
    if catalog:
        g.add_argument("--catalog", metavar="FILE", help="item catalog file joined on the item id "
                                                         "(titles, categories, prices)")
    g.add_argument("--filter", action="append", metavar="NAME[=VALUE]",
                   help="leave rows out while loading (repeatable): non-products (every proposed non-product "
                        "code), exclude=CODE[,CODE...], returns=drop|net, from=DATE, to=DATE, min-user=N, "
                        "min-item=N")
    g.add_argument("--recipe", metavar="FILE", help="import recipe (JSON) saved from the app or with "
                                                    "info --save-recipe: mapping and filters")
    g.add_argument("--reader", choices=["auto", "memory", "out-of-core"], default="auto",
                   help="out-of-core: DuckDB aggregates the file to user-item pairs streaming from disk (for "
                        "exports larger than memory); memory: read it whole; auto (default): out of core "
                        "from 1 GiB on")


@dataclass
class ImportOptions:
    """How to read a data file: recipe, --map overrides, filters, and whether to drop every proposed
    non-product code."""

    recipe: Recipe | None = None
    mapping: dict = field(default_factory=dict)
    filters: LoadFilters | None = None
    drop_proposed: bool = False
    reader: str = "auto"


def import_options(args) -> ImportOptions:
    """ImportOptions from the parsed --recipe, --map and --filter options (recipe first)."""
    from engine.data.load_filters import LoadFilters
    from engine.data.recipe import Recipe
    recipe = None
    if getattr(args, "recipe", None):
        if not Path(args.recipe).exists():
            raise UsageError(f"{args.recipe}: no such file")
        recipe = Recipe.load(args.recipe)
    filters = dict((recipe.filters if recipe else LoadFilters()).to_dict())
    drop = False
    for item in getattr(args, "filter", None) or []:
        name, _, value = item.partition("=")
        name, value = name.strip().lower(), value.strip()
        if name in ("non-products", "non-product", "nonproducts"):
            drop = True
        elif name == "exclude" and value:
            filters["exclude_items"] = list(dict.fromkeys(filters["exclude_items"] + [v.strip() for v in value.split(",") if v.strip()]))
        elif name == "returns" and value:
            filters["returns"] = value
        elif name in ("from", "to") and value:
            filters[f"date_{name}"] = value
        elif name in ("min-user", "min-item") and value:
            try:
                filters[f"min_{name[4:]}_events"] = int(value)
            except ValueError:
                raise UsageError(f"--filter {name} expects a whole number, got {value!r}") from None
        else:
            raise UsageError(f"--filter {item!r}: expected non-products, exclude=CODE,..., returns=drop|net, "
                             "from=DATE, to=DATE, min-user=N or min-item=N")
    mapping = {}
    for pair in getattr(args, "map", None) or []:
        role, sep, col = pair.partition("=")
        if not sep or not role.strip():
            raise UsageError(f"--map expects ROLE=COLUMN, got {pair!r}")
        role, col = role.strip().lower(), col.strip()
        mapping[role] = ([c.strip() for c in col.split(",") if c.strip()] if role == "extra" else col or None)
    return ImportOptions(recipe, mapping, LoadFilters.from_dict(filters, "--filter"), drop,
                         getattr(args, "reader", None) or "auto")


def load_dataset(path: str, catalog: str | None = None, options: ImportOptions | None = None, progress=None):
    """Dataset from a file, read as ``options`` say, with an optional separate catalog file joined."""
    from engine.data import open_dataset
    if not Path(path).exists():
        raise UsageError(f"{path}: no such file")
    if catalog and not Path(catalog).exists():
        raise UsageError(f"{catalog}: no such file")
    o = options or ImportOptions()
    return open_dataset(path, o.mapping or None, catalog_path=catalog or None, filters=o.filters,
                        recipe=o.recipe, drop_proposed=o.drop_proposed, reader=o.reader, progress=progress)


def train_interactions(ds):
    """Training Interactions whose candidates include the catalog's items (protocol of docs/ARCHITECTURE.md)."""
    from engine.data.interactions import Interactions
    inter = ds.interactions
    if ds.catalog is None:
        return inter
    return Interactions.from_arrays(inter.user_ids[inter.user_idx], inter.item_ids[inter.item_idx],
                                    inter.values, inter.timestamps, value_kind=inter.value_kind,
                                    extra_items=ds.catalog.frame.index.to_numpy())


def build_model(name: str, params: dict, args):
    from engine.models import registry
    cls = registry.get(name)
    for flag, key in (("device", "device"), ("epochs", "epochs"), ("seed", "seed")):
        value = getattr(args, flag, None)
        if value is not None and key in cls.defaults:
            params.setdefault(key, value)
    return cls(**params)


def fit_model(model, train, catalog, args, quiet: bool = False):
    """Fit ``model`` on all of ``train``; with --valid-frac, early-stopping models choose their epoch
    count on that share of each user's events first (``Recommender.fit``). quiet: no progress
    (data-parallel workers other than the first)."""
    valid = None
    if getattr(args, "valid_frac", 0.0):
        from engine.data.splits import carve_validation
        valid = carve_validation(train, args.valid_frac, args.seed or 0)
    model.fit(train, catalog=catalog, valid=valid, progress=stderr_progress(args.verbose and not quiet))
    return model


def model_facts(model) -> dict:
    facts = {}
    for attr, key in (("epochs_run_", "epochs_run"), ("device_", "device")):
        value = getattr(model, attr, None)
        if value is not None:
            facts[key] = str(value) if key == "device" else int(value)
    facts.setdefault("device", "cpu")
    return facts

def load_catalog_only(path: str):
    from engine.data import read_catalog
    if not Path(path).exists():
        raise UsageError(f"{path}: no such file")
    return read_catalog(path)

def report_dict(report) -> dict:
    if report is None:
        return {}
    if hasattr(report, "to_dict"):
        return report.to_dict()
    from dataclasses import asdict, is_dataclass
    return asdict(report) if is_dataclass(report) and not isinstance(report, type) else dict(report)


def launch_workers(args) -> int:
    """This command again as ``args.nproc`` data-parallel workers through torch.distributed.run
    (``engine.train.distributed.launch``); this process waits for them."""
    from engine.train import distributed
    argv, skip = [], False
    for a in args.argv:
        if skip:
            skip = False
        elif a == "--nproc":
            skip = True
        elif not a.startswith("--nproc="):
            argv.append(a)
    rc = distributed.launch(argv, args.nproc)
    if rc != 0:
        raise UsageError(f"the {args.nproc} workers failed (exit status {rc}; their messages are above)")
    return 0
