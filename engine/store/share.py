"""A share copy of a project: the same data set, split, runs and rule sets for people outside the
consultancy, with every customer id replaced by its keyed pseudonym (``engine.store.pseudonyms``,
the project's key, which stays on this machine) and no trace of where the client's files were.

Each run's model is renamed with ``Recommender.with_users_renamed`` (its per-customer arrays move
with the ids) and checked: a sample of customers must get exactly the lists they got before.
Left out: notes and stored reports (free text and documents that may name customers), the
source files' paths, sizes, times and hashes, and the pseudonym scope.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.i18n import _
from engine.data.interactions import Interactions, index_of
from engine.errors import ProjectError
from engine.progress import check, emit, scaled
from engine.store.project import Project, save_new
from engine.store.pseudonyms import Pseudonyms

#: Customers whose lists are compared between each model and its renamed copy.
CHECKED_USERS = 50
_SOURCE_KEYS_DROPPED = ("path", "catalog_path")


@dataclass
class ShareReport:
    """path written; customers: ids pseudonymised; runs: runs copied; left_out: one line each."""

    path: str
    customers: int
    runs: int
    left_out: list[str] = field(default_factory=list)


def rename_interactions(inter: Interactions, pseudo) -> Interactions:
    """``inter`` with its customers called ``pseudo(ids)``, re-sorted (protocol order)."""
    new = pseudo(inter.user_ids)
    order = np.array(sorted(range(len(new)), key=new.__getitem__), dtype=np.int64)
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    return dataclasses.replace(inter, user_ids=new[order], user_idx=position[inter.user_idx].astype(np.int32))


def _rename_evaluation(ev, pseudo, universe: np.ndarray):
    """``ev`` with pseudonymised customers indexed in the renamed model's ``universe``."""
    if ev is None:
        return None
    user_ids = pseudo(ev.user_ids)
    users = index_of(user_ids, universe)
    order = np.argsort(users, kind="stable")
    return dataclasses.replace(ev, users=users[order].astype(np.int64), user_ids=user_ids[order],
                               per_user={k: np.asarray(v)[order] for k, v in ev.per_user.items()},
                               n_train_items=np.asarray(ev.n_train_items)[order] if len(ev.n_train_items) else
                               ev.n_train_items)


def _rename_run(run, pseudo):
    model = run.model
    renamed = model.with_users_renamed(pseudo(model.user_ids_))
    sample = np.linspace(0, model.n_users - 1, min(CHECKED_USERS, model.n_users)).astype(np.int64)
    moved = index_of(pseudo(model.user_ids_[sample]), renamed.user_ids_)
    if not np.array_equal(model.recommend(sample, 10)[0], renamed.recommend(moved, 10)[0]):
        raise ProjectError(f"run {run.name!r}: its model keeps per-customer data that could not be renamed; "
                           "the share copy was not written")
    return dataclasses.replace(run, model=renamed,
                               evaluation=_rename_evaluation(run.evaluation, pseudo, renamed.user_ids_))


def share_copy(project: Project, path, *, progress=None, cancel=None) -> ShareReport:
    """Write the pseudonymised share copy of ``project`` to ``path`` (which must not be the
    project itself); the copy is complete or absent (``save_new``)."""
    path = Path(path)
    if path.exists() and path.resolve() == project.path.resolve():
        raise ProjectError("a share copy needs its own file name, not the project's", path=str(path))
    contents = project.load(verify_sources=False, progress=scaled(progress, 0.0, 0.3), cancel=cancel)
    pseudo = Pseudonyms.for_scope(project.pseudonym_scope())
    left_out = [_("left out (damaged): {what}").format(what=w) for w in contents.warnings]
    dataset = contents.dataset
    if dataset is not None:
        dataset = dataclasses.replace(dataset, interactions=rename_interactions(dataset.interactions, pseudo),
                                      source={k: v for k, v in dataset.source.items() if k not in _SOURCE_KEYS_DROPPED})
    split = contents.split
    if split is not None:
        split = dataclasses.replace(split, **{part: rename_interactions(getattr(split, part), pseudo)
                                              for part in ("train", "test", "valid") if getattr(split, part) is not None})
    runs = []
    for j, run in enumerate(contents.runs):
        check(cancel)
        emit(progress, 0.3 + 0.4 * j / max(len(contents.runs), 1), f"renaming customers in {run.name}", "share")
        runs.append(_rename_run(run, pseudo))
    if project.notes():
        left_out.append(_("{n} note(s): free text may name customers").format(n=len(project.notes())))
    if project.reports():
        left_out.append(_("{n} stored report(s): documents may name customers").format(n=len(project.reports())))
    options = {k: v for k, v in project.split_options().items() if k not in ("kinds",)} if split is not None else None
    copy = save_new(path, dataset=dataset, split=split, split_options=options, runs=runs,
                    progress=scaled(progress, 0.7, 1.0), cancel=cancel)
    try:
        for name, rules in contents.rules.items():
            copy.save_rules(name, rules.to_dict())
    finally:
        copy.close()
    n = 0 if dataset is None else dataset.interactions.n_users
    return ShareReport(str(path), n, len(runs), left_out)
