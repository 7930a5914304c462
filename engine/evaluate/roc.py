"""ROC / AUC for explicit ratings: does the model score a user's liked test items above the disliked?"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score, roc_curve

from engine.data.interactions import Interactions
from engine.errors import EngineError
from engine.evaluate.protocol import _check_model, align
from engine.progress import CancelToken, ProgressCallback, check, emit


@dataclass(frozen=True, eq=False)
class RocResult:
    """auc: mean over users with both classes of the per-user AUC (ties count one half);
    pooled_auc: AUC of all (user, item) test pairs pooled; fpr, tpr: (m,) pooled ROC curve points;
    n_pos, n_neg: pooled positive / negative test pairs; n_users: users in the per-user mean."""

    auc: float
    fpr: np.ndarray
    tpr: np.ndarray
    n_pos: int
    n_neg: int
    n_users: int = 0
    pooled_auc: float = float("nan")

    def to_dict(self) -> dict:
        return {"auc": self.auc, "pooled_auc": self.pooled_auc, "fpr": self.fpr.tolist(),
                "tpr": self.tpr.tolist(), "n_pos": self.n_pos, "n_neg": self.n_neg, "n_users": self.n_users}


def roc_auc(model, train: Interactions, test: Interactions, threshold: float, *, batch_size: int = 1024,
            progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> RocResult:
    """AUC of ``model``'s scores on ``test`` ratings: positives rated >= ``threshold``, negatives below.

    Only test pairs whose user and item are known to training can be scored; repeated ratings of
    one pair use the mean rating. Per-user AUC is the Mann–Whitney statistic from average ranks.
    """
    _check_model(model, train)
    if test.value_kind not in ("rating", "quantity", "weight") or test.n_events == 0:
        raise EngineError("ROC/AUC needs explicit ratings in the test data")
    ev = align(train, test)
    ok = (ev.user >= 0) & (ev.item >= 0)
    pairs = (pd.DataFrame({"user": ev.user[ok], "item": ev.item[ok], "value": ev.values[ok].astype(np.float64)})
             .groupby(["user", "item"], sort=True, as_index=False)["value"].mean())
    users = pairs["user"].to_numpy(np.int64)
    items = pairs["item"].to_numpy(np.int64)
    label = (pairs["value"].to_numpy() >= threshold)
    n_pos, n_neg = int(label.sum()), int((~label).sum())
    if n_pos == 0 or n_neg == 0:
        raise EngineError(f"ROC needs test ratings on both sides of the threshold {threshold}: "
                          f"{n_pos} at or above, {n_neg} below")
    uniq, inv = np.unique(users, return_inverse=True)
    scores = np.empty(len(users), dtype=np.float64)
    batch_size = max(1, int(batch_size))
    for start in range(0, len(uniq), batch_size):
        check(cancel)
        rows = uniq[start:start + batch_size]
        sel = (inv >= start) & (inv < start + len(rows))
        block = model.score(rows)
        scores[sel] = block[inv[sel] - start, items[sel]]
        emit(progress, (start + len(rows)) / len(uniq), "scoring test ratings", "roc")
    scores = np.nan_to_num(scores, nan=-np.inf)
    frame = pd.DataFrame({"user": users, "score": scores, "pos": label})
    frame["rank"] = frame.groupby("user")["score"].rank(method="average")
    g = frame.groupby("user")
    npos = g["pos"].sum()
    nneg = g["pos"].count() - npos
    rank_pos = frame["rank"].where(frame["pos"], 0.0).groupby(frame["user"]).sum()
    both = (npos > 0) & (nneg > 0)
    per_user = (rank_pos[both] - npos[both] * (npos[both] + 1) / 2) / (npos[both] * nneg[both])
    finite = np.where(np.isfinite(scores), scores, np.finfo(np.float64).min)
    fpr, tpr, _ = roc_curve(label, finite)
    return RocResult(auc=float(per_user.mean()) if len(per_user) else float("nan"), fpr=fpr, tpr=tpr,
                     n_pos=n_pos, n_neg=n_neg, n_users=int(both.sum()),
                     pooled_auc=float(roc_auc_score(label, finite)))
