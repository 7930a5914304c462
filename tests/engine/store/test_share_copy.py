"""Issue 21 item 9: a share copy of a project carries keyed pseudonyms instead of customer ids and no
trace of the client's files; every run still gives each (renamed) customer the same list. The test
greps every byte of the produced file for the original ids, paths and the key."""

import numpy as np
import pytest

from engine.data import open_dataset
from engine.data.interactions import index_of
from engine.data.splits import split
from engine.models.bpr import BPR
from engine.runs import train_run
from engine.store import Project, save_new
from engine.store.pseudonyms import Pseudonyms, key_dir
from engine.store.share import share_copy

NAMES = [f"Kundin Müller-{i:03d}" for i in range(60)]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """A client's order file with named customers, a catalog file, and a saved project with a
    split, three runs (popularity, BPR, SASRec), a rule set and a note."""
    d = tmp_path_factory.mktemp("client files")
    rows = [f"{NAMES[(i * 13) % 60]},sku-{(i * 7) % 40},2011-01-{1 + i % 28:02d} 10:{i % 60:02d}:00,1"
            for i in range(1500)]
    (d / "orders.csv").write_text("customer,item,date,quantity\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (d / "items.csv").write_text("item,title\n" + "\n".join(f"sku-{j},Item {j}" for j in range(40)) + "\n")
    ds = open_dataset(d / "orders.csv", catalog_path=d / "items.csv")
    sp = split(ds.interactions, "random", 0.2, seed=2)
    runs = [train_run("pop", {}, sp, name="pop #1"),
            train_run("bpr", dict(BPR.fast_params, epochs=2), sp, name="bpr #1"),
            train_run("sasrec", {"epochs": 1, "hidden": 16, "max_len": 10, "blocks": 1}, sp, name="sasrec #1")]
    project = save_new(d / "client.recscope", dataset=ds, split=sp, runs=runs)
    project.save_rules("tail", {"rules": [{"type": "long_tail", "weight": 0.3}]})
    project.add_note(f"{NAMES[0]} called about the lists")
    return d, project, runs


def test_share_copy_holds_no_customer_id_path_or_key(client, tmp_path):
    d, project, runs = client
    rep = share_copy(project, tmp_path / "share.recscope")
    raw = (tmp_path / "share.recscope").read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["share.recscope"]
    for name in NAMES:
        assert name.encode() not in raw, name
    assert b"M\xc3\xbcller" not in raw and b"Kundin" not in raw
    assert str(d).encode() not in raw and b"client files" not in raw  # no absolute path of the client's files
    key = next(key_dir().glob(f"{project.pseudonym_scope()}.key")).read_text().strip()
    assert key.encode() not in raw and bytes.fromhex(key) not in raw
    assert b"pseudonym_scope" not in raw
    assert rep.runs == 3 and rep.customers == 60
    assert any("note" in line for line in rep.left_out)


def test_share_copy_gives_each_renamed_customer_the_same_lists(client, tmp_path):
    d, project, runs = client
    share_copy(project, tmp_path / "share.recscope")
    pseudo = Pseudonyms.for_scope(project.pseudonym_scope())
    with Project.open(tmp_path / "share.recscope") as copy:
        got = copy.load()
    assert not got.warnings and set(got.rules) == {"tail"}
    assert set(got.dataset.interactions.user_ids) == set(pseudo(NAMES))
    assert got.dataset.source.get("path") is None
    for original, shared in zip(runs, got.runs):
        m, s = original.model, shared.model
        users = np.arange(m.n_users)
        moved = index_of(pseudo(m.user_ids_), s.user_ids_)
        assert np.array_equal(m.recommend(users, 10)[0], s.recommend(moved, 10)[0]), original.name
        np.testing.assert_equal(shared.metrics, original.metrics)
        assert set(shared.evaluation.user_ids) == set(pseudo(original.evaluation.user_ids))
    assert got.split.test.n_events == project.load_split().test.n_events


def test_share_copy_refuses_the_projects_own_file(client):
    from engine.errors import ProjectError
    d, project, _ = client
    with pytest.raises(ProjectError, match="own file name"):
        share_copy(project, project.path)
