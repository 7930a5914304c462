"""What a hyper-parameter form needs to know about each model: a one-line description and, per
parameter, the widget kind, a sensible range, its choices and a tooltip.

``trainable_models()`` -> the names the Train pane offers; ``model_info(name)`` -> ``ModelInfo``;
``param_specs(name)`` -> ``[ParamSpec]`` in the order of the
model's ``defaults``. Ranges come from the model's own ``param_ranges``, else the table ``RANGES``
(by parameter name), widened to contain the model's ``search_space`` and its default; a parameter
neither knows gets a range around its default. Choices of string parameters come from the model's
``param_choices`` (``CHOICES`` for parameters every model shares). Plain data, no Qt.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from engine.i18n import _

#: Choices of string parameters every model shares: name -> (module, constant).
CHOICES = {"device": ("engine.machine.device", "CHOICES")}

#: (low, high[, "log"]) by parameter name (a model's ``param_ranges`` override these).
RANGES: dict[str, tuple] = {
    "factors": (2, 1024), "cf_factors": (2, 1024), "hidden": (8, 1024), "epochs": (1, 2000),
    "cf_epochs": (0, 500), "lr": (1e-6, 1.0, "log"), "reg": (0.0, 1000.0), "weight_decay": (0.0, 1.0),
    "batch_size": (16, 1_000_000), "init_std": (0.0, 1.0), "patience": (0, 100), "seed": (0, 2**31 - 1),
    "l2": (0.0, 1e7), "max_items": (100, 200_000), "k": (1, 10_000), "shrink": (0.0, 10_000.0),
    "alpha": (0.0, 10_000.0), "cg_steps": (1, 50), "max_len": (2, 2000), "blocks": (1, 12),
    "heads": (1, 16), "dropout": (0.0, 0.9), "layers": (0, 8), "negatives": (1, 1_000_000),
    "price_bands": (0, 50), "half_life_days": (0.0, 3650.0), "valid_fraction": (0.01, 0.5),
    "valid_frac": (0.0, 0.5), "validate_every": (1, 100), "valid_users": (0, 1_000_000),
    "cold_fraction": (0.0, 0.5),
}

#: Tooltips by parameter name.
HELP = {
    "factors": "Length of the user and item vectors; more captures more taste, needs more data.",
    "cf_factors": "Vector length of the collaborative part.",
    "epochs": "Maximum passes over the training data (early stopping may end sooner).",
    "cf_epochs": "Passes of the collaborative part (0: its own default).",
    "lr": "Learning rate: step size of the optimiser. Too high diverges, too low learns slowly.",
    "reg": "Regularisation strength: higher keeps vectors small and fights over-fitting.",
    "weight_decay": "Weight decay of the optimiser (another form of regularisation).",
    "batch_size": "Training examples per optimisation step.",
    "init_std": "Spread of the random initial vectors.",
    "patience": "Stop after this many epochs without a better validation score (0: never stop early).",
    "seed": "Random seed: the same seed repeats the same run.",
    "device": "Where PyTorch trains: auto picks a GPU when there is one.",
    "l2": "Regularisation of the item-to-item weights; higher favours popular items less sharply.",
    "max_items": "Refuse data with more items than this (EASE needs items² memory).",
    "k": "Neighbours kept per item.",
    "shrink": "Shrinks similarities of items with few buyers towards zero.",
    "use_values": "Weigh by quantity / rating instead of bought-or-not.",
    "alpha": "Confidence given to observed interactions versus unobserved ones.",
    "cg_steps": "Conjugate-gradient steps per least-squares solve.",
    "item_bias": "Learn a popularity offset per item.",
    "max_len": "Most recent items of each customer the model reads.",
    "hidden": "Width of the attention layers and item vectors.",
    "blocks": "Number of self-attention blocks.",
    "heads": "Attention heads per block (must divide the width).",
    "dropout": "Share of activations dropped while training (regularisation).",
    "loss": "Training loss.",
    "layers": "Residual layers on top of each tower.",
    "negatives": "Sampled negative items per training step.",
    "features": "Use catalog columns (category, price band) as item features.",
    "text": "Use the embedded item text as an item feature.",
    "price_bands": "Price quantile bands used as a feature (0: none).",
    "half_life_days": "Older purchases count half after this many days (0: all count the same).",
    "collaborative": "The collaborative model blended with the text model.",
    "valid_fraction": "Share of each customer's events held out to fit the blend.",
    "cold_fraction": "Share of items treated as new while fitting the blend.",
    "refit": "After early stopping chose the epoch count, train again on all training data "
             "(validation events included) for that many epochs, so the kept model has seen everything.",
    "valid_frac": "Share of each customer's training events held out to choose the epoch count when the "
                  "split has no validation part (0: no validation, train every epoch).",
    "validate_every": "Score the validation customers every this many epochs (validation costs time).",
    "valid_users": "Validation customers scored at each check, a fixed random sample (0: all of them).",
}


@dataclass(frozen=True)
class ParamSpec:
    """kind: "int" | "float" | "bool" | "choice" | "text"; low/high: range of numbers (None else);
    log: a log-scale quantity (lr); decimals: digits a float field shows; choices: for "choice"."""

    name: str
    kind: str
    default: Any
    low: float | None = None
    high: float | None = None
    log: bool = False
    decimals: int = 0
    choices: tuple = ()
    help: str = ""
    tunable: bool = False


@dataclass(frozen=True)
class ModelInfo:
    """name; title: display name; description: one line; torch: trains epochs with curves (has
    ``epochs`` / ``patience``); needs_catalog: refuses to fit without an item catalog; tunable:
    declares a search space."""

    name: str
    title: str
    description: str
    torch: bool
    needs_catalog: bool
    tunable: bool
    capabilities: frozenset = field(default_factory=frozenset)
    fast_params: dict = field(default_factory=dict)


def _decimals(values) -> int:
    """Digits after the point needed to show every value in ``values`` (2..8)."""
    need = 2
    for v in values:
        v = abs(float(v))
        if 0 < v < 1:
            text = f"{v:.10f}".rstrip("0")
            need = max(need, len(text.split(".")[1]) + (1 if v < 0.01 else 0))
    return min(need, 8)


def _range(cls, name: str, default, space: dict) -> tuple[float, float, bool]:
    spec = cls.param_ranges.get(name) or RANGES.get(name)
    if spec is None:
        top = max(abs(float(default)) * 10, 100 if isinstance(default, int) else 1.0)
        low, high, log = 0, top, False
    else:
        low, high, log = spec[0], spec[1], len(spec) > 2 and spec[2] == "log"
    sp = space.get(name)
    if sp and sp[0] in ("int", "float", "log"):
        low, high = min(low, sp[1]), max(high, sp[2])
    elif sp and sp[0] == "cat" and all(isinstance(c, (int, float)) for c in sp[1]):
        low, high = min([low, *sp[1]]), max([high, *sp[1]])
    low, high = min(low, default), max(high, default)
    return low, high, log


def param_specs(model: str) -> list[ParamSpec]:
    """One ``ParamSpec`` per parameter of registry model ``model``, in ``defaults`` order."""
    from engine.models import registry
    cls = registry.get(model)
    space = dict(cls.search_space)
    out = []
    for name, default in cls.defaults.items():
        tip, tunable = cls.param_help.get(name) or HELP.get(name, ""), name in space
        where = CHOICES.get(name)
        choices = tuple(cls.param_choices.get(name, ())) or (
            tuple(getattr(importlib.import_module(where[0]), where[1])) if where else ())
        if isinstance(default, bool):
            out.append(ParamSpec(name, "bool", default, help=tip, tunable=tunable))
        elif isinstance(default, str):
            kind = "choice" if choices else "text"
            out.append(ParamSpec(name, kind, default, choices=choices, help=tip, tunable=tunable))
        else:
            low, high, log = _range(cls, name, default, space)
            if isinstance(default, int):
                out.append(ParamSpec(name, "int", default, int(low), int(high), help=tip, tunable=tunable))
            else:
                sp = space.get(name)
                extra = [sp[1], sp[2]] if sp and sp[0] != "cat" else []
                out.append(ParamSpec(name, "float", float(default), float(low), float(high), log,
                                     _decimals([default, *extra, low] if low > 0 else [default, *extra]),
                                     help=tip, tunable=tunable))
    return out


def trainable_models() -> list[str]:
    """Registry models a user trains from scratch (the model families of ``engine.models``);
    compressed variants are made from a fitted run instead (``engine.compress``)."""
    from engine.models import registry
    return [n for n in registry.available() if registry.get(n).__module__.startswith("engine.models.")]


def model_info(model: str) -> ModelInfo:
    """What the model picker shows about registry model ``model``."""
    from engine.models import registry
    cls = registry.get(model)
    doc = (cls.__doc__ or "").strip().splitlines()
    return ModelInfo(name=model, title=cls.title or model, description=_(cls.description) if cls.description else (doc[0] if doc else model),
                     torch="epochs" in cls.defaults and "patience" in cls.defaults,
                     needs_catalog=cls.needs_catalog, tunable=bool(cls.search_space),
                     capabilities=frozenset(cls.capabilities), fast_params=dict(cls.fast_params))
