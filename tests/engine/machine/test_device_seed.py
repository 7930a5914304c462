"""Device choice and seeding."""

import numpy as np
import pytest
import torch

from engine.errors import ModelError
from engine.machine.device import describe_devices, resolve_device
from engine.machine.seed import seed_everything


def test_auto_prefers_an_accelerator_else_cpu():
    dev = resolve_device("auto")
    if torch.cuda.is_available():
        assert dev.type == "cuda"
    elif dev.type != "mps":
        assert dev == torch.device("cpu")
    assert resolve_device("CPU") == torch.device("cpu")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
@pytest.mark.parametrize("name", ["cuda", "cuda:0"])
def test_unavailable_cuda_is_a_clear_model_error(name):
    with pytest.raises(ModelError, match=rf"device '{name}' requested but .*choose 'auto' or 'cpu'"):
        resolve_device(name)


@pytest.mark.skipif(torch.backends.mps.is_available(), reason="this machine has MPS")
def test_unavailable_mps_is_a_clear_model_error():
    with pytest.raises(ModelError, match="MPS is not available"):
        resolve_device("mps")


@pytest.mark.parametrize("name", ["gpu", "tpu", "cuda:x", ""])
def test_unknown_device_names_the_choices(name):
    if name == "":
        assert resolve_device(name) == resolve_device("auto")
        return
    with pytest.raises(ModelError, match="auto, cpu, cuda, mps"):
        resolve_device(name)


def test_describe_devices_lists_cpu_and_the_gpu_state():
    devices = describe_devices()
    assert devices[0]["name"] == "cpu" and devices[0]["available"]
    assert all({"name", "label", "available", "memory_gb", "note"} <= set(d) for d in devices)
    cuda = [d for d in devices if d["name"].startswith("cuda")]
    assert cuda and all(d["available"] == torch.cuda.is_available() for d in cuda)
    for d in devices:
        if d["available"]:
            resolve_device(d["name"])          # every listed available device resolves


def test_seed_everything_repeats_draws():
    seed_everything(7)
    a = torch.rand(5), np.random.rand(3)
    seed_everything(7)
    b = torch.rand(5), np.random.rand(3)
    assert torch.equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert torch.are_deterministic_algorithms_enabled()
