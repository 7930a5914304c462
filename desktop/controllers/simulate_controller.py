"""SimulateController: builds the bandit log of the open dataset and replays the chosen policies
in a worker (``engine.simulate.basket_log``)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from desktop.state import AppState
from desktop.tasks import TaskRunner, TaskSlot
from engine.models.capabilities import supports
from engine.progress import scaled
from engine.simulate.basket_log import basket_log, simulate


def run_simulation(interactions, catalog, arms: str, n_arms: int, policies: list[str], models: dict,
                   seed: int, *, progress=None, cancel=None):
    """Worker body: (BanditLog, [ReplayResult] in the order of ``policies``)."""
    log = basket_log(interactions, catalog, arms, n_arms, seed, progress=scaled(progress, 0.0, 0.1), cancel=cancel)
    return log, simulate(log, policies, models, seed, progress=scaled(progress, 0.1, 1.0), cancel=cancel)


class SimulateController(QObject):
    """``slot.done`` carries (BanditLog, [ReplayResult]) with the {run id: name} of the model policies
    as its tag."""

    def __init__(self, state: AppState, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.slot = TaskSlot(runner, self)

    @property
    def running(self) -> bool:
        return self.slot.busy

    def has_user_vectors(self, run_id: str) -> bool:
        """Whether that run's model gives the user vectors LinUCB needs."""
        run = self.state.run(run_id)
        return run is not None and supports(run.model, "embeddings")

    def start(self, arms: str, n_arms: int, policies: list[str], model_runs: dict[str, str], seed: int) -> None:
        """policies: specs ("egreedy:0.1", "ucb:1", "thompson", "model:<run id>", "linucb:1@<run id>");
        model_runs: run id -> display name for the model-based policies."""
        ds = self.state.dataset
        if ds is None:
            self.slot.fail(self.tr("Open a data file first (Data pane)."))
            return
        models = {}
        for run_id in model_runs:
            run = self.state.run(run_id)
            if run is None:
                self.slot.fail(self.tr("The chosen model is gone; pick another one."))
                return
            models[run_id] = run.model
        self.slot.start(run_simulation, ds.interactions, ds.catalog, arms, int(n_arms), list(policies), models,
                        int(seed), name=self.tr("Simulate exploration"), tag=dict(model_runs))

    @Slot()
    def cancel(self) -> None:
        self.slot.cancel()
