"""Latent maps, placements, neighbours and factor heatmaps on the Online Retail demo."""

import numpy as np
import pytest

from engine.data.dataset import open_dataset
from engine.errors import ModelError
from engine.explain.latent import (LatentMap, embeddings, factor_heatmap, has_embeddings, latent_map,
                                   nearest_items, place_user)
from engine.models.bpr import BPR
from engine.models.ease import EASE
from engine.models.ials import IALS
from engine.models.itemknn import ItemKNN
from engine.models.popularity import MostPopular
from engine.models.sasrec import SASRec


@pytest.fixture(scope="module")
def ds(repo):
    return open_dataset(repo / "resources" / "demo" / "online_retail_demo.csv")


@pytest.fixture(scope="module")
def bpr(ds):
    return BPR(epochs=1, factors=16, device="cpu").fit(ds.interactions)


def _check_map(m: LatentMap, n: int) -> None:
    assert m.xy.shape == (n, 2) and np.isfinite(m.xy).all()
    assert len(m.labels) == len(m.ids) == len(m.index) == len(m.colors) == n
    assert np.all(np.diff(m.index) > 0)
    assert m.colors.min() >= 0 and m.colors.max() < len(m.legend)
    assert set(np.unique(m.colors)) == set(range(len(m.legend)))      # every legend entry is used


def test_pca_item_map_with_price_colours_and_a_placed_customer(ds, bpr):
    m = latent_map(bpr, catalog=ds.catalog, max_points=1000)
    _check_map(m, 1000)
    assert m.kind == "item" and m.method == "pca" and m.color_by == "price"   # the demo has no category
    assert list(m.labels) == ds.catalog.titles(list(m.ids)) and list(m.ids) == list(bpr.item_ids_[m.index])
    counts = np.asarray(bpr.seen_.sum(axis=0)).ravel()
    assert counts[m.index].min() >= np.sort(counts)[-1000]              # the most bought items are drawn
    assert 0 < m.explained_variance.sum() <= 1
    np.testing.assert_allclose(m.project(embeddings(bpr, "item", m.index)), m.xy, atol=1e-9)
    prices = ds.catalog.align(m.ids)["UnitPrice"].to_numpy()
    cheap, dear = m.colors[np.argmin(prices)], m.colors[np.argmax(prices)]
    assert cheap == 0 and dear == len(m.legend) - 1                    # bands run from cheap to dear

    user = bpr.user_ids_[11]
    p = place_user(bpr, m, user, k=10)
    u = bpr.user_index(user)
    assert list(p.history_ids) == list(bpr.item_ids_[np.sort(bpr.seen_[u].indices)])
    assert list(p.recommended_ids) == list(bpr.item_ids_[bpr.recommend([u], 10)[0][0]])
    on = p.history_points >= 0
    assert on.any()
    np.testing.assert_allclose(p.history_xy[on], m.xy[p.history_points[on]], atol=1e-9)
    assert list(m.ids[p.history_points[on]]) == list(p.history_ids[on])
    np.testing.assert_allclose(p.user_xy, m.project(bpr.user_factors_[[u]])[0])
    assert np.isfinite(p.recommended_xy).all()                         # PCA places items off the map too


def test_tsne_map_marks_items_without_projecting(ds, bpr):
    m = latent_map(bpr, method="tsne", catalog=ds.catalog, max_points=150, color_by="country")
    _check_map(m, 150)
    assert m.explained_variance is None and "United Kingdom" in m.legend
    with pytest.raises(ModelError, match="t-SNE"):
        m.project(np.zeros((1, 16)))
    p = place_user(bpr, m, bpr.user_ids_[0])
    assert np.isnan(p.user_xy).all()
    drawn = p.history_points >= 0
    np.testing.assert_array_equal(p.history_xy[drawn], m.xy[p.history_points[drawn]])
    assert np.isnan(p.history_xy[~drawn]).all()


def test_user_map_and_errors(ds, bpr):
    m = latent_map(bpr, kind="user", max_points=300)
    _check_map(m, 300)
    assert m.color_by == "activity" and m.labels[0] == f"user {m.ids[0]}"
    p = place_user(bpr, m, m.ids[5])
    np.testing.assert_allclose(p.user_xy, m.xy[5], atol=1e-9)
    with pytest.raises(ModelError, match="no column"):
        latent_map(bpr, catalog=ds.catalog, color_by="colour")
    with pytest.raises(ModelError, match="pca"):
        latent_map(bpr, method="umap")
    small = ds.interactions.subset(np.arange(ds.interactions.n_events) < 2000)
    for model in (MostPopular().fit(small), ItemKNN().fit(small)):
        assert not has_embeddings(model)
        with pytest.raises(ModelError, match="no latent vectors"):
            latent_map(model)


def test_nearest_items_and_factor_heatmap(ds, bpr):
    item = bpr.item_ids_[int(np.argmax(np.asarray(bpr.seen_.sum(axis=0)).ravel()))]
    near = nearest_items(bpr, item, 8, catalog=ds.catalog)
    assert len(near) == 8 and item not in [n[0] for n in near]
    cos = [c for _, _, c in near]
    assert cos == sorted(cos, reverse=True) and all(-1 <= c <= 1 for c in cos)
    v = bpr.item_factors_
    i, j = bpr.item_ids_.tolist().index(item), bpr.item_ids_.tolist().index(near[0][0])
    assert cos[0] == pytest.approx(v[i] @ v[j] / np.linalg.norm(v[i]) / np.linalg.norm(v[j]), rel=1e-5)
    assert near[0][1] == ds.catalog.titles([near[0][0]])[0]

    ials = IALS(epochs=2, factors=8, device="cpu").fit(ds.interactions)
    user = ials.user_ids_[4]
    items = list(ials.item_ids_[ials.recommend([4], 5)[0][0]])
    h = factor_heatmap(ials, user, items, catalog=ds.catalog)
    assert h.matrix.shape == (6, 8) and h.row_labels[0] == f"user {user}" and h.row_keys[1:] == tuple(items)
    np.testing.assert_allclose(h.matrix[0], ials.user_factors_[4])
    np.testing.assert_allclose(h.scores, ials.score([4])[0][ials.recommend([4], 5)[0][0]], rtol=1e-5)


def test_ease_and_sasrec_vectors(ds):
    inter = ds.interactions
    top = np.argsort(-np.bincount(inter.item_idx, minlength=inter.n_items), kind="stable")[:50]
    ease = EASE().fit(inter.subset(np.isin(inter.item_idx, top)))
    # B has rank <= 50 <= EASE_RANK here, so the SVD vectors reproduce the EASE scores
    users = np.arange(40)
    approx = embeddings(ease, "user", users) @ embeddings(ease, "item").T
    np.testing.assert_allclose(approx, ease.score(users), atol=1e-5)
    assert has_embeddings(ease) and "SVD" in latent_map(ease, max_points=50).note

    sas = SASRec(epochs=1, hidden=16, max_len=20, blocks=1, device="cpu").fit(inter)
    users = np.arange(30)
    scores = embeddings(sas, "user", users) @ embeddings(sas, "item").T
    np.testing.assert_allclose(scores, sas.score(users), atol=1e-4)   # the user vector scores every item
    m = latent_map(sas, catalog=ds.catalog, max_points=200)
    _check_map(m, 200)
