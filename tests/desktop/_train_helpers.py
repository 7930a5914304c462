"""Shared steps of the Train / Leaderboard / Diagnostics pane tests: split the demo, train runs."""

TRAIN_MS = 90_000


def split_demo(window, qtbot, load, demo_path) -> None:
    """Load the demo data and apply the default split with the Data pane's split box."""
    load(window, demo_path)
    box = window.data_pane.split_box
    with qtbot.waitSignal(window.state.split_changed, timeout=TRAIN_MS):
        box.apply_button.click()


def train(window, qtbot, model: str, **params):
    """Train ``model`` (fast settings, then ``params``) with the Train pane's button; the new run."""
    pane = window.train_pane
    window.show_pane(pane)
    pane.set_model(model)
    pane.once_radio.setChecked(True)
    pane.quick_button.click()
    pane.set_params(params)
    n = len(window.state.runs)
    pane.train_button.click()
    qtbot.waitUntil(lambda: len(window.state.runs) == n + 1 and not pane.controller.busy, timeout=TRAIN_MS)
    return window.state.runs[-1]
