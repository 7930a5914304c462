"""explain / methods_for: the method table per model and clear errors for bad ids and methods."""

import pytest

from engine.errors import EngineError
from engine.explain.api import METHODS, explain, methods_for
from engine.explain.types import Attribution, AttentionMap, Counterfactual
from engine.cli.explain import METHODS as CLI_METHODS
from engine.models import registry


def test_methods_per_model(ml_models):
    assert methods_for(ml_models["ease"]) == ["contributions", "counterfactual"]
    assert methods_for(ml_models["itemknn"]) == ["contributions", "counterfactual"]
    assert methods_for(ml_models["ials"]) == ["contributions", "latent", "ig", "counterfactual"]
    assert methods_for(ml_models["bpr"]) == ["contributions", "latent", "ig", "counterfactual"]
    assert methods_for(ml_models["sasrec"]) == ["attention", "saliency", "ig", "counterfactual"]
    tt = methods_for(ml_models["twotower"])
    assert tt[:4] == ["contributions", "latent", "saliency", "ig"] and tt[-1] == "counterfactual"
    assert CLI_METHODS == METHODS


def test_every_method_returns_its_type(ml_models):
    types = {"attention": AttentionMap, "counterfactual": Counterfactual}
    for name in ("ials", "sasrec"):
        model = ml_models[name]
        item = model.item_ids_[model.recommend([3], k=1)[0][0, 0]]
        for method in methods_for(model):
            out = explain(model, model.user_ids_[3], item, method)
            assert isinstance(out, types.get(method, Attribution)), (name, method)


def test_popularity_explains_nothing(ml_split):
    pop = registry.create("pop").fit(ml_split[0])
    assert methods_for(pop) == []
    with pytest.raises(EngineError, match="supports: none"):
        explain(pop, 1, 50, "counterfactual")


@pytest.mark.parametrize("user, item, method, fragment", [
    (99999, 50, "contributions", "user 99999 is not in the training data"),
    ("1", "nope", "contributions", "item 'nope' is not among the items"),
    (1, 50, "magic", "unknown explanation method 'magic'; choose one of: contributions"),
    (1, 50, "ig", "does not support the 'ig' explanation; it supports: contributions, counterfactual"),
])
def test_bad_requests_name_what_is_valid(ml_models, user, item, method, fragment):
    with pytest.raises(EngineError) as err:
        explain(ml_models["ease"], user, item, method)
    assert fragment in str(err.value) and "\n" not in str(err.value)
