"""`recscope export` (the twin of Inspector › Export all lists), and what the CLI prints from a
client's file: no terminal escapes, no internal errors. Crafted files, made here."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[3]
CUSTOMERS = [f"Kundin Müller-{i:03d}" for i in range(30)]
NEW = [f"Neukunde Øster-{i:02d}" for i in range(5)]
TITLES = {0: '=HYPERLINK("http://evil.example","x")', 1: "\x1b[2J\x1b]0;pwned\x07Mug", 2: "+cmd|' /C calc'!A0",
          3: "Vase \u202eeman"}


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "engine.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=300, env=dict(os.environ, PYTHONPATH=str(REPO), **(env or {})))


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A trained popularity model over string customer ids, a catalog with hostile titles, a
    customers file with new customers, and a rule set."""
    d = tmp_path_factory.mktemp("shop")
    rows = [f"{CUSTOMERS[i % 30]},sku-{(i * 7) % 12},{1 + i % 3}" for i in range(300)]
    (d / "orders.csv").write_text("customer,item,quantity\n" + "\n".join(rows) + "\n", encoding="utf-8")
    later = [f"{c},sku-{j},1" for j, c in enumerate(NEW + CUSTOMERS[:3])]
    (d / "later.csv").write_text("customer,item,quantity\n" + "\n".join(later) + "\n", encoding="utf-8")
    titles = pd.DataFrame({"item": [f"sku-{j}" for j in range(12)],
                           "title": [TITLES.get(j, f"Plain item {j}") for j in range(12)],
                           "category": ["a", "b", "c"] * 4})
    titles.to_csv(d / "items.csv", index=False)
    (d / "rules.json").write_text(json.dumps({"rules": [{"type": "max_per", "column": "category", "n": 1}]}))
    res = run_cli("train", "--train", d / "orders.csv", "--model", "pop", "--out", d / "model")
    assert res.returncode == 0, res.stderr
    return d


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_cli_export_is_the_engine_export(shop, tmp_path, suffix):
    from engine.data import open_dataset, read_catalog
    from engine.lists.export import FALLBACK_LIST, export_lists
    from engine.models.base import Recommender
    from engine.rerank import load_rules
    out = tmp_path / f"lists{suffix}"
    res = run_cli("export", "--model-dir", shop / "model", "--out", out, "--k", 3, "--catalog", shop / "items.csv",
                  "--rules", shop / "rules.json", "--customers", shop / "later.csv", "--json")
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary["fallback_customers"] == len(NEW) and summary["rules"] == "rules.json"
    twin = tmp_path / f"twin{suffix}"
    export_lists(Recommender.load(shop / "model"), twin, 3, read_catalog(shop / "items.csv"),
                 rules=load_rules(shop / "rules.json"), customers=open_dataset(shop / "later.csv").interactions.user_ids)
    read = (lambda p: pd.read_csv(p, dtype=str, keep_default_na=False)) if suffix == ".csv" else (
        lambda p: pd.read_excel(p, dtype=str, keep_default_na=False))
    got, expected = read(out), read(twin)
    pd.testing.assert_frame_equal(got, expected)
    assert set(got[got["list"] == FALLBACK_LIST]["user"]) == set(NEW)
    assert got.groupby(["user", "category"]).size().max() == 1


def test_cli_export_pseudonymised_holds_no_customer_id(shop, tmp_path):
    keys = tmp_path / "keys"
    out = tmp_path / "lists.csv"
    res = run_cli("export", "--model-dir", shop / "model", "--out", out, "--customers", shop / "later.csv",
                  "--pseudonymise", env={"RECSCOPE_KEY_DIR": str(keys)})
    assert res.returncode == 0, res.stderr
    raw = out.read_bytes()
    for name in CUSTOMERS + NEW:
        assert name.encode() not in raw
    assert b"M\xc3\xbcller" not in raw and b"Kundin" not in raw and b"Neukunde" not in raw
    key_files = list(keys.iterdir())
    assert len(key_files) == 1 and key_files[0].read_bytes() not in raw
    assert str(keys) in res.stdout  # the consultant is told where the key is
    again = tmp_path / "again.csv"
    run_cli("export", "--model-dir", shop / "model", "--out", again, "--customers", shop / "later.csv",
            "--pseudonymise", env={"RECSCOPE_KEY_DIR": str(keys)})
    assert again.read_bytes() == raw  # the same customers get the same pseudonyms every time


def test_recommend_prints_no_terminal_escapes(shop):
    res = run_cli("recommend", "--model-dir", shop / "model", "--user", CUSTOMERS[4], "--k", 12,
                  "--catalog", shop / "items.csv")
    assert res.returncode == 0, res.stderr
    assert "Mug" in res.stdout and "\x1b" not in res.stdout and "\x07" not in res.stdout
    assert "\u202e" not in res.stdout


def test_cli_error_messages_carry_no_terminal_escapes(tmp_path):
    bad = tmp_path / "orders.csv"
    bad.write_text("user,item,rating\nu1,i1,\x1b[2Jfive\n", encoding="utf-8")
    res = run_cli("info", bad)
    assert res.returncode == 2 and "\x1b" not in res.stderr and "five" in res.stderr


@pytest.mark.parametrize("content", [",".join(f"c{i}" for i in range(70_000)) + "\n1,2\n", "x" * 3_000_000])
def test_wide_header_or_endless_line_is_a_clear_error_not_internal(tmp_path, content):
    path = tmp_path / "big.csv"
    path.write_text(content)
    res = run_cli("info", path)
    assert res.returncode == 2, res.stderr
    assert "internal error" not in res.stderr and len(res.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("cell", ["inf", "1e309", "-Infinity"])
def test_a_non_finite_cell_is_one_line_on_stderr(tmp_path, cell):
    path = tmp_path / "orders.csv"
    path.write_text("user,item,rating\n" + "".join(f"u{i % 4},i{i},{1 + i % 5}\n" for i in range(9)) + f"u2,i2,{cell}\n")
    res = run_cli("info", path)
    assert res.returncode == 2
    (line,) = res.stderr.strip().splitlines()  # no RuntimeWarning lines from the column inference
    assert line.startswith("recscope: error: orders.csv, row 11, column rating:") and "finite number" in line


@pytest.mark.parametrize("command", [["split", "{orders}", "--out", "/dev/null/split"],
                                     ["train", "--train", "{orders}", "--model", "pop", "--out", "/dev/null/model"],
                                     ["export", "--model-dir", "{model}", "--out", "/dev/null/lists.csv"]])
def test_a_write_the_file_system_refuses_is_one_line_and_status_2(shop, command):
    """A full disk, a read-only folder or a file where a folder should be is the user's to fix, not
    an internal error."""
    res = run_cli(*[c.format(orders=shop / "orders.csv", model=shop / "model") for c in command])
    assert res.returncode == 2, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "internal error" not in res.stderr
    assert "/dev/null" in res.stderr


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGXFSZ"), reason="RLIMIT_FSIZE simulates a full disk")
def test_a_model_save_on_a_full_disk_is_one_line_and_status_2(shop, tmp_path):
    import resource
    import signal

    def full_disk():  # in the child: writes beyond 2 KB fail with an error, as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
    res = subprocess.run([sys.executable, "-m", "engine.cli", "train", "--train", str(shop / "orders.csv"), "--model",
                          "bpr", "--param", "factors=64", "--epochs", "1", "--out", str(tmp_path / "m")],
                         capture_output=True, text=True, cwd=REPO, timeout=300, preexec_fn=full_disk,
                         env=dict(os.environ, PYTHONPATH=str(REPO), RECSCOPE_LOG_DIR=str(tmp_path / "logs")))
    assert res.returncode == 2, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "internal error" not in res.stderr
    assert "could not write the model weights" in res.stderr
