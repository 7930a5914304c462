"""The project file: exact round trip on the demo data, versioning, refusal of foreign or hostile
files, size limits, transactional writes, save-as."""

import shutil
import sqlite3

import numpy as np
import pandas as pd
import pytest

from engine.data import open_dataset
from engine.errors import Cancelled, ProjectError, ValidationError
from engine.evaluate import evaluate
from engine.progress import CancelToken
from engine.runs import RUN_KS
from engine.store import Project, save_new, schema


def _same_interactions(a, b):
    for name in ("user_ids", "item_ids", "user_idx", "item_idx", "values"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name
    assert (a.timestamps is None) == (b.timestamps is None)
    if a.timestamps is not None:
        assert np.array_equal(a.timestamps, b.timestamps)
    assert a.value_kind == b.value_kind


def _same_run(a, b, split):
    assert (a.id, a.name, a.kind, a.parent, a.created, a.model_name) == (b.id, b.name, b.kind, b.parent,
                                                                         b.created, b.model_name)
    assert a.params == b.params
    assert a.info == b.info
    users = np.arange(b.model.n_users)
    assert np.array_equal(a.model.score(users), b.model.score(users))
    assert np.array_equal(a.model.recommend(users, 10)[0], b.model.recommend(users, 10)[0])
    np.testing.assert_equal(a.metrics, b.metrics)
    assert set(a.evaluation.per_user) == set(b.evaluation.per_user)
    for k, v in b.evaluation.per_user.items():
        assert np.array_equal(a.evaluation.per_user[k], v, equal_nan=True), k
    assert np.array_equal(a.evaluation.users, b.evaluation.users)
    assert np.array_equal(a.evaluation.user_ids, b.evaluation.user_ids)
    assert (a.history is None) == (b.history is None)
    if b.history is not None:
        assert a.history.to_dict() == b.history.to_dict()
    assert a.diagnosis == b.diagnosis
    # the loaded model, evaluated again on the loaded split, gives the stored metrics
    again = evaluate(a.model, split.train, split.test, RUN_KS)
    np.testing.assert_allclose([again.metrics[k] for k in sorted(b.metrics)],
                               [b.metrics[k] for k in sorted(b.metrics)], rtol=1e-12)


def test_round_trip_demo(demo, tmp_path):
    ds, sp, runs = demo
    assert runs[1].history is not None and len(runs[1].history.records) == 3
    path = tmp_path / "demo.recscope"
    save_new(path, dataset=ds, split=sp, split_options={"test_frac": 0.2, "valid_frac": 0.1}, runs=runs).close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.recscope"]  # one file, no side files

    with Project.open(path) as project:
        got = project.load()
        assert got.warnings == []
        _same_interactions(got.dataset.interactions, ds.interactions)
        pd.testing.assert_frame_equal(got.dataset.catalog.frame, ds.catalog.frame)
        assert got.dataset.catalog.roles == ds.catalog.roles
        assert got.dataset.mapping == ds.mapping
        assert got.dataset.report == ds.report
        assert got.dataset.source == ds.source
        for part in ("train", "test", "valid"):
            _same_interactions(getattr(got.split, part), getattr(sp, part))
        assert (got.split.method, got.split.seed, got.split.warnings) == (sp.method, sp.seed, sp.warnings)
        assert project.split_options()["test_frac"] == 0.2
        assert [r.id for r in got.runs] == [r.id for r in runs]
        for a, b in zip(got.runs, runs):
            _same_run(a, b, got.split)
        (source,) = project.sources()
        assert source["path"].endswith("online_retail_demo.csv") and len(source["sha256"]) == 64
        assert source["options"]["delimiter"] == ","


def test_incremental_saves(demo, tmp_path):
    ds, sp, (ease, bpr) = demo
    path = tmp_path / "p.recscope"
    project = Project.create(path)
    project.save_dataset(ds)
    project.save_split(sp, {"test_frac": 0.2})
    project.add_run(ease)
    project.add_run(bpr)
    project.rename_run(ease.id, "best so far")
    project.delete_run(bpr.id)
    project.save_rules("tail", {"rules": [{"type": "long_tail", "weight": 0.3}]})
    rid = project.save_report("compression", "sweep 1", {"points": [[1.0, 0.12]]}, run_id=ease.id)
    project.add_note("EASE is the one to beat", run_id=ease.id)
    with pytest.raises(ValidationError):
        project.save_rules("bad", {"rules": [{"type": "no_such_rule"}]})
    project.close()

    with Project.open(path) as again:
        got = again.load()
        assert [r.name for r in got.runs] == ["best so far"]
        (rule,) = got.rules["tail"].rules
        assert rule.type == "long_tail" and rule.params["weight"] == 0.3
        (report,) = again.reports("compression")
        assert report["id"] == rid and report["data"] == {"points": [[1.0, 0.12]]}
        assert again.notes(ease.id)[0]["text"] == "EASE is the one to beat"
        # a new data set replaces the split and the runs trained on the old one
        again.save_dataset(ds)
        assert again.load_split() is None and again.run_ids() == []


def test_newer_version_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "future.recscope"
    Project.create(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = '9.1' WHERE key = 'app_version'")
    con.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(ProjectError) as err:
        Project.open(path)
    msg = str(err.value)
    assert "future.recscope" in msg and "made by RecScope 9.1" in msg
    assert "newer than this one (0.1.0" in msg and "update RecScope to open it" in msg


@pytest.mark.parametrize("kind", ["text", "empty", "other-sqlite", "missing", "folder", "trigger"])
def test_foreign_files_are_refused(tmp_path, kind):
    path = tmp_path / f"{kind}.recscope"
    if kind == "text":
        path.write_text("user,item\n1,2\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "other-sqlite":
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
    elif kind == "folder":
        path.mkdir()
    elif kind == "trigger":  # a project with a trigger planted in it (runs SQL on our writes)
        Project.create(path).close()
        con = sqlite3.connect(path)
        con.execute("CREATE TRIGGER t AFTER INSERT ON runs BEGIN DELETE FROM meta; END")
        con.commit()
        con.close()
    with pytest.raises(ProjectError) as err:
        Project.open(path)
    assert path.name in str(err.value)
    assert "\n" not in str(err.value)


def test_size_limits_give_clear_errors(demo, tmp_path, monkeypatch):
    ds, sp, runs = demo
    path = tmp_path / "p.recscope"
    save_new(path, dataset=ds, split=sp, runs=runs[:1]).close()
    monkeypatch.setattr(schema, "MAX_BLOB_BYTES", 100_000)
    with Project.open(path) as project:
        with pytest.raises(ProjectError, match=r"data set is .* MB, more than the 0\.1 MB limit"):
            project.load_dataset()
        warnings = []
        assert project.load_runs(warnings=warnings) == []
        assert "model weights is" in warnings[0] and "limit" in warnings[0]
    monkeypatch.setattr(schema, "MAX_BLOB_BYTES", 8 * 1024**3)
    monkeypatch.setattr(schema, "MAX_RUNS", 0)
    with Project.open(path) as project, pytest.raises(ProjectError, match="more than the 0 limit"):
        project.load_runs()


def _tamper(path, sql, *args):
    con = sqlite3.connect(path)
    con.execute(sql, args)
    con.commit()
    con.close()


def test_tampered_model_is_rejected_not_used(demo, tmp_path):
    """A model whose config disagrees with its tensors (shape) is rejected by name; the project
    still opens with the other runs."""
    ds, sp, (ease, bpr) = demo
    path = tmp_path / "p.recscope"
    save_new(path, dataset=ds, split=sp, runs=[ease, bpr]).close()
    con = sqlite3.connect(path)
    config = con.execute("SELECT model_config FROM runs WHERE id = ?", (ease.id,)).fetchone()[0]
    con.close()
    _tamper(path, "UPDATE runs SET model_config = ? WHERE id = ?",
            config.replace(f'"n_items": {ease.model.n_items}', f'"n_items": {ease.model.n_items + 7}'), ease.id)
    with Project.open(path) as project:
        got = project.load()
        assert [r.id for r in got.runs] == [bpr.id]
        assert "ease #1" in got.warnings[0]
        with pytest.raises(ProjectError, match="ease #1"):
            project.load_run(ease.id)
    _tamper(path, "UPDATE runs SET history = '{\"records\": 5}' WHERE id = ?", bpr.id)
    _tamper(path, "UPDATE dataset SET mapping = '[1, 2]'")
    with Project.open(path) as project:
        with pytest.raises(ProjectError, match=r"p\.recscope: the data set column mapping is damaged \(a JSON list"):
            project.load_dataset()
        with pytest.raises(ProjectError, match="bpr #1.*history"):
            project.load_run(bpr.id)


def test_cancelled_save_leaves_no_partial_rows(demo, tmp_path):
    ds, sp, (ease, bpr) = demo
    path = tmp_path / "p.recscope"
    project = save_new(path, dataset=ds, split=sp, runs=[ease])
    token = CancelToken()

    def progress(p):
        if "bpr" in p.message:
            token.cancel()
    with pytest.raises(Cancelled):
        project.write(dataset=ds, split=sp, runs=[ease, bpr], progress=progress, cancel=token)
    assert project.run_ids() == [ease.id]
    project.close()
    # a cancelled save-as of a new project leaves nothing behind
    with pytest.raises(Cancelled):
        save_new(tmp_path / "new.recscope", dataset=ds, runs=[ease, bpr], cancel=token)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.recscope"]


def test_save_as_copies_and_replaces_atomically(demo, tmp_path):
    ds, sp, (ease, bpr) = demo
    project = save_new(tmp_path / "a.recscope", dataset=ds, split=sp, runs=[ease])
    target = tmp_path / "b.recscope"
    target.write_bytes(b"an older file that the user chose to replace")
    copy = project.save_as(target)
    project.delete_run(ease.id)  # the original stays independent
    assert copy.run_ids() == [ease.id] and project.run_ids() == []
    copy.close()
    # save-as with changes: the copy gets them, the original does not
    project.save_rules("tail", {"rules": [{"type": "long_tail", "weight": 0.2}]})
    with project.save_as(tmp_path / "c.recscope", runs=[ease, bpr]) as changed:
        assert changed.run_ids() == [ease.id, bpr.id] and list(changed.load_rules()) == ["tail"]
    assert project.run_ids() == []
    project.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.recscope", "b.recscope", "c.recscope"]


def test_source_changes_are_reported(tmp_path, demo_csv):
    csv = tmp_path / "orders.csv"
    shutil.copy(demo_csv, csv)
    ds = open_dataset(csv)
    project = save_new(tmp_path / "p.recscope", dataset=ds)
    assert project.check_sources() == []
    with open(csv, "a", encoding="utf-8") as f:
        f.write("999999,X1,NEW ITEM,1,2011-12-09 12:50:00,1.0,99999,France\n")
    assert "orders.csv changed since it was saved" in project.check_sources()[0]
    csv.unlink()
    (note,) = project.check_sources()
    assert "orders.csv is no longer at" in note
    # the project keeps its own copy: the data set still loads exactly
    _same_interactions(project.load_dataset().interactions, ds.interactions)
    project.close()
