"""Writer process for the crash test: saves to a project in a loop until it is killed.

``python crash_writer.py PROJECT DATA_CSV``. Creates the project (data set + split) when absent,
prints ``ready N`` (N = the iteration the file holds), then for i = N+1, N+2, ... writes in ONE
transaction the split (tagged {"iteration": i}) and the run list "the last three runs + run i",
and prints ``committed i`` after each commit.
"""

import sys
from pathlib import Path

from engine.data import open_dataset
from engine.data.splits import split
from engine.models import registry
from engine.models.popularity import MostPopular
from engine.runs import Run
from engine.store import Project, save_new

KEEP = 3


def run_id(i: int) -> str:
    return f"run{i:05d}"


def main(path: Path, csv: Path) -> None:
    dataset = open_dataset(csv)
    parts = split(dataset.interactions, "random", test_frac=0.2, seed=1)
    project = Project.open(path) if path.exists() else save_new(path, dataset=dataset, split=parts,
                                                                 split_options={"iteration": 0})
    last = project.split_options()["iteration"]
    model = MostPopular().fit(parts.train)
    registry.available()  # import every model module now: a save reads each run back before it commits
    print(f"ready {last}", flush=True)
    i = last
    while True:
        i += 1
        runs = [Run(id=run_id(j), name=f"run {j}", model=model, info={"iteration": j})
                for j in range(max(1, i - KEEP), i + 1)]
        project.write(split=parts, split_options={"iteration": i}, runs=runs)
        print(f"committed {i}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
