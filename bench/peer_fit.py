"""Runs inside bench/.venv-peers (made by ``make bench-peers-venv``): fit ONE peer model and write its
top-10 lists. Called by bench/peers.py; never imported by RecScope.

    peer_fit.py CONFIG.json   ->  CONFIG["out"].npy (n_users, 10) int64 item indices, -1 padded,
                                  and one JSON line {"seconds": fit wall seconds, "version": ...}

CONFIG: train (CSV of internal user,item indices), n_users, n_items, system (implicit | lenskit |
cornac), model (ease | ials | itemknn | bpr), threads, plus the model's settings. Every system sees
the same binary matrix; each system's own top-N call excludes the user's training items.
"""

import json
import os
import sys
import time

import numpy as np
import scipy.sparse as sp

K = 10


def _topk(scores: np.ndarray, seen: sp.csr_matrix) -> np.ndarray:
    """(n, K) best unseen items of dense (n, n_items) scores (ties: lower index)."""
    s = scores.astype(np.float64, copy=True)
    s[seen.nonzero()] = -np.inf
    order = np.argsort(-s, axis=1, kind="stable")[:, :K]
    return np.where(np.isfinite(np.take_along_axis(s, order, 1)), order, -1)


def run_implicit(cfg, m):
    import implicit
    from implicit.cpu.als import AlternatingLeastSquares
    from implicit.cpu.bpr import BayesianPersonalizedRanking
    from implicit.nearest_neighbours import CosineRecommender
    kind = cfg["model"]
    if kind == "ials":
        model = AlternatingLeastSquares(factors=cfg["factors"], regularization=cfg["reg"], alpha=cfg["alpha"],
                                        iterations=cfg["epochs"], random_state=0, num_threads=cfg["threads"])
    elif kind == "bpr":
        model = BayesianPersonalizedRanking(factors=cfg["factors"], iterations=cfg["epochs"], random_state=0,
                                            learning_rate=cfg["lr"], regularization=cfg["reg"],
                                            num_threads=cfg["threads"])
    elif kind == "itemknn":
        model = CosineRecommender(K=cfg["k"], num_threads=cfg["threads"])
    else:
        raise SystemExit(f"implicit has no {kind}")
    t = time.perf_counter()
    model.fit(m, show_progress=False)
    seconds = time.perf_counter() - t
    users = np.arange(m.shape[0])
    ids, _ = model.recommend(users, m, N=K, filter_already_liked_items=True)
    ids = np.asarray(ids, np.int64)
    ids[ids >= m.shape[1]] = -1
    return seconds, ids, implicit.__version__


def run_lenskit(cfg, m):
    import lenskit
    import pandas as pd
    from lenskit.data import from_interactions_df
    coo = m.tocoo()
    data = from_interactions_df(pd.DataFrame({"user_id": coo.row, "item_id": coo.col}))
    kind = cfg["model"]
    if kind == "ease":
        from lenskit.knn.ease import EASEConfig, EASEScorer
        scorer = EASEScorer(EASEConfig(regularization=cfg["l2"]))
    elif kind == "ials":
        from lenskit.als import ImplicitMFConfig, ImplicitMFScorer
        scorer = ImplicitMFScorer(ImplicitMFConfig(embedding_size=cfg["factors"], epochs=cfg["epochs"],
                                                   regularization=cfg["reg"], weight=cfg["alpha"]))
    elif kind == "bpr":
        from lenskit.flexmf import FlexMFImplicitConfig, FlexMFImplicitScorer
        scorer = FlexMFImplicitScorer(FlexMFImplicitConfig(embedding_size=cfg["factors"], epochs=cfg["epochs"],
                                                           preset="bpr", learning_rate=cfg["lr"],
                                                           regularization=cfg["reg"],
                                                           batch_size=cfg["batch_size"]))
    else:
        raise SystemExit(f"lenskit has no {kind} here")
    t = time.perf_counter()
    scorer.train(data)
    seconds = time.perf_counter() - t
    # score every (user, item) with the trained scorer through LensKit's own item lists
    from lenskit.data import ItemList, RecQuery
    items = ItemList(item_ids=np.arange(m.shape[1]))
    out = np.full((m.shape[0], K), -1, np.int64)
    for u in range(m.shape[0]):
        il = scorer(RecQuery(user_id=u, user_items=ItemList(item_ids=m[u].indices)), items)
        s = np.nan_to_num(il.scores(), nan=-np.inf)
        out[u] = _topk(s[None, :], m[u])[0]
    return seconds, out, lenskit.__version__


def run_cornac(cfg, m):
    import cornac
    from cornac.data import Dataset
    coo = m.tocoo()
    triples = list(zip(coo.row.astype(str).tolist(), coo.col.astype(str).tolist(), [1.0] * coo.nnz))
    data = Dataset.from_uir(triples, seed=0)
    kind = cfg["model"]
    if kind == "ease":
        model = cornac.models.EASE(lamb=cfg["l2"], verbose=False)
    elif kind == "bpr":
        model = cornac.models.BPR(k=cfg["factors"], max_iter=cfg["epochs"], learning_rate=cfg["lr"],
                                  lambda_reg=cfg["reg"], seed=0, verbose=False)
    elif kind == "ials":
        model = cornac.models.WMF(k=cfg["factors"], max_iter=cfg["epochs"], seed=0, verbose=False)
    else:
        raise SystemExit(f"cornac has no {kind} here")
    t = time.perf_counter()
    model.fit(data)
    seconds = time.perf_counter() - t
    uidx = np.array([data.uid_map.get(str(u), -1) for u in range(m.shape[0])])
    iidx = np.array([data.iid_map.get(str(i), -1) for i in range(m.shape[1])])
    scores = np.full((m.shape[0], m.shape[1]), -np.inf)
    known = iidx >= 0
    for u in np.flatnonzero(uidx >= 0):
        s = np.asarray(model.score(int(uidx[u])), np.float64).ravel()
        scores[u, known] = s[iidx[known]]
    return seconds, _topk(scores, m), cornac.__version__


def main() -> None:
    cfg = json.load(open(sys.argv[1]))
    u, i = np.loadtxt(cfg["train"], delimiter=",", dtype=np.int64, skiprows=1, ndmin=2).T
    m = sp.csr_matrix((np.ones(len(u), np.float32), (u, i)), shape=(cfg["n_users"], cfg["n_items"]))
    seconds, top, version = {"implicit": run_implicit, "lenskit": run_lenskit,
                             "cornac": run_cornac}[cfg["system"]](cfg, m)
    np.save(cfg["out"], np.asarray(top, np.int64))
    print(json.dumps({"seconds": seconds, "version": version, "threads": cfg["threads"],
                      "omp": os.environ.get("OMP_NUM_THREADS")}))


if __name__ == "__main__":
    main()
