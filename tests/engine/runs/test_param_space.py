"""The hyper-parameter form's specs: every model's defaults fit its ranges and build the model."""

import pytest

from engine.models import registry
from engine.runs.param_space import model_info, param_specs, trainable_models

MODELS = registry.available()


@pytest.mark.parametrize("name", MODELS)
def test_specs_cover_defaults_and_build_the_model(name):
    cls = registry.get(name)
    specs = param_specs(name)
    assert [s.name for s in specs] == list(cls.defaults)
    for s in specs:
        assert s.default == cls.defaults[s.name]
        if s.kind in ("int", "float"):
            assert s.low <= s.default <= s.high, s
        if s.kind == "choice":
            assert s.default in s.choices
    for pname, spec in (getattr(cls, "search_space", None) or {}).items():
        s = next(x for x in specs if x.name == pname)
        assert s.tunable
        if spec[0] in ("int", "float", "log"):
            assert s.low <= spec[1] and spec[2] <= s.high, (pname, spec, s)
    # the form's values (defaults, then the fast settings) are accepted by the model
    model = registry.create(name, **{s.name: s.default for s in specs})
    assert model.params == cls.defaults
    registry.create(name, **{**{s.name: s.default for s in specs}, **model_info(name).fast_params})


def test_float_fields_show_enough_digits():
    lr = next(s for s in param_specs("bpr") if s.name == "lr")
    assert lr.log and round(lr.default, lr.decimals) == lr.default == 5e-4
    reg = next(s for s in param_specs("twotower") if s.name == "reg")
    assert round(reg.default, reg.decimals) == reg.default == 1e-4


def test_model_info():
    names = trainable_models()
    assert {"pop", "ease", "bpr", "sasrec"} <= set(names)
    assert not any(n.endswith("_compressed") for n in names)
    for name in names:
        info = model_info(name)
        assert info.description and len(info.description) < 140
    assert {n for n in names if model_info(n).torch} == {"bpr", "ials", "lm", "sasrec", "twotower"}
    assert model_info("text").needs_catalog and model_info("hybrid").needs_catalog
    assert not model_info("pop").tunable and model_info("ease").tunable
    choices = next(s for s in param_specs("sasrec") if s.name == "loss").choices
    assert set(choices) == {"ce", "bce"}


def test_every_setting_of_every_model_has_a_label_and_an_explanation():
    """Every term on screen has a plain explanation where it appears: each field of the Train form
    (all trainable models) has a label in words and a tooltip."""
    missing = [(name, s.name) for name in trainable_models() for s in param_specs(name)
               if not s.help or not s.label or s.label == s.name]
    assert not missing, missing
