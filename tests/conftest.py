"""Shared test fixtures: offscreen Qt, the demo data, generated MovieLens-like data, ../shared/data.

Core checks run on data inside the repository (``resources/demo`` and ``tests/generated_data.py``);
tests that need ../shared/data ask for the ``shared_data`` or ``ml100k`` fixture or carry
``@pytest.mark.shared``, and skip without it. ``RECSCOPE_SHARED_DATA=none`` (``make test-core``)
runs the suite as a clean clone sees it; ``-m "not shared"`` deselects those tests.
"""

import faulthandler
import gc
import os
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# tiny test models train faster on one torch/OpenMP thread than on two contended ones
os.environ.setdefault("OMP_NUM_THREADS", "1")
# tests never write into the user's real cache or log folders
os.environ.setdefault("RECSCOPE_CACHE_DIR", tempfile.mkdtemp(prefix="recscope-test-cache-"))
os.environ.setdefault("RECSCOPE_LOG_DIR", tempfile.mkdtemp(prefix="recscope-test-logs-"))
os.environ.setdefault("RECSCOPE_KEY_DIR", tempfile.mkdtemp(prefix="recscope-test-keys-"))
# numba's compiled kernels persist between test runs (compiling them takes seconds per process)
os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(__file__).resolve().parents[1] / "build" / "numba-cache"))

REPO = Path(__file__).resolve().parents[1]
#: ../shared/data (ml-100k, Online Retail, ...) unless env RECSCOPE_SHARED_DATA names another
#: folder; RECSCOPE_SHARED_DATA=none runs the suite as a clean clone sees it (`make test-core`).
_SHARED_ENV = os.environ.get("RECSCOPE_SHARED_DATA", "")
SHARED_DATA = (None if _SHARED_ENV.lower() == "none" else
               Path(_SHARED_ENV) if _SHARED_ENV else REPO.parent / "shared" / "data")
DEMO_DIR = REPO / "resources" / "demo"


#: A test still running after this long (s; env RECSCOPE_TEST_HANG_S) is hung: every thread's
#: stack is printed and the run exits. faulthandler's watchdog is a C thread, so it also fires in a
#: C-level deadlock that holds the GIL, where pytest-timeout (600 s, fails just the test) cannot:
#: such a Qt deadlock once ate a 90-minute CI.
HANG_S = int(os.environ.get("RECSCOPE_TEST_HANG_S", 900))


def _real_stderr(config) -> int:
    """The terminal's stderr fd: pytest's fd capture points fd 2 at a file that an exit loses."""
    try:
        return config.pluginmanager.getplugin("capturemanager")._global_capturing.err.targetfd_save
    except AttributeError:  # capture off (-s) or pytest internals changed
        return sys.__stderr__.fileno()


@pytest.fixture(autouse=True)
def _hang_guard(request):
    faulthandler.dump_traceback_later(HANG_S, exit=True, file=_real_stderr(request.config))
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(autouse=True)
def _qt_garbage_on_main_thread(request):
    """Qt objects must die on the GUI thread. The app turns automatic GC off (desktop.app collects
    on a GUI timer); a Qt test runs with automatic GC off and its cycles are collected on the
    main thread before and after it; other tests run with automatic GC on."""
    qt = "qtbot" in request.fixturenames or "qapp" in request.fixturenames
    was_enabled = gc.isenabled()
    if qt:
        gc.collect()
        gc.disable()
    else:
        gc.enable()
    yield
    if qt:
        gc.collect()
    (gc.enable if was_enabled else gc.disable)()


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (or $RECSCOPE_SHARED_DATA), or skip the test when it is absent."""
    if SHARED_DATA is None or not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present (or RECSCOPE_SHARED_DATA=none)")
    return SHARED_DATA


#: Fixtures that reach into ../shared/data: a test using one is marked ``shared``.
SHARED_FIXTURES = {"shared_data", "ml100k"}


def pytest_collection_modifyitems(config, items):
    """Mark tests that use ../shared/data as ``shared``; skip every ``shared`` test without it."""
    absent = SHARED_DATA is None or not SHARED_DATA.is_dir()
    for item in items:
        if SHARED_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.shared)
        if absent and item.get_closest_marker("shared"):
            item.add_marker(pytest.mark.skip(reason="../shared/data is not present (or RECSCOPE_SHARED_DATA=none)"))


@pytest.fixture(scope="session")
def movielens_like():
    """Generated MovieLens-like ratings, movie catalog and user table (tests/generated_data.py)."""
    from generated_data import movielens_like
    return movielens_like()


@pytest.fixture(scope="session")
def movielens_like_files(movielens_like, tmp_path_factory) -> dict:
    """The generated data written as files: {"ratings": ratings.csv, "movies": movies.csv, "users": u.user}."""
    from generated_data import write_movielens_like
    return write_movielens_like(tmp_path_factory.mktemp("movielens_like"), movielens_like)


@pytest.fixture(scope="session")
def ml100k(shared_data) -> Path:
    path = shared_data / "ml-100k" / "u.data"
    if not path.exists():
        pytest.skip("ml-100k/u.data is not present")
    return path
