"""No network: the CLI workflow, the offline text encoder and the desktop app run in processes
where opening a network socket raises, and none of them even tries.

The guard is a ``sitecustomize`` module put first on PYTHONPATH, so it runs before anything else
in the process and in every Python child it starts: ``socket.socket`` refuses every address
family except AF_UNIX, and ``create_connection`` / ``getaddrinfo`` / ``gethostbyname*`` raise.
Each refused attempt is appended to a log with its stack; the tests require the log to be empty.

AF_UNIX stays allowed: it only reaches processes on the same machine (Qt's platform plugins and
D-Bus, ``socket.socketpair`` behind asyncio and multiprocessing use it), never the network.
The guard sees Python-level sockets only; a C library opening its own socket would bypass it
(none of ours does: Qt networking is not used, and torch/transformers are driven from Python).

HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE are removed from the children's environment: the app
must set them itself.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "online_retail_demo.csv"

GUARD = textwrap.dedent('''
    """Test guard: every non-AF_UNIX socket and every name lookup raises and is logged."""
    import os
    import socket
    import traceback

    _LOG = os.environ["RECSCOPE_NONET_LOG"]


    def _refuse(what):
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(f"BLOCKED {what} (pid {os.getpid()})\\n" + "".join(traceback.format_stack(limit=15)))
        raise OSError(101, f"network disabled by the RecScope no-network test: {what}")


    class _GuardedSocket(socket.socket):
        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
            if fileno is None and (socket.AF_INET if family == -1 else family) != socket.AF_UNIX:
                _refuse(f"socket(family={family}, type={type})")
            super().__init__(family, type, proto, fileno)


    def _deny(name):
        def refuse(*args, **kwargs):
            _refuse(f"{name}{args[:2]!r}")
        return refuse


    socket.socket = _GuardedSocket
    for _name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        setattr(socket, _name, _deny(_name))
''')


def guarded_env(tmp_path: Path) -> tuple[dict, Path]:
    guard = tmp_path / "guard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "network-attempts.log"
    log.touch()
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(PYTHONPATH=os.pathsep.join([str(guard), str(REPO)]), RECSCOPE_NONET_LOG=str(log),
               RECSCOPE_LOG_DIR=str(tmp_path / "logs"), RECSCOPE_CACHE_DIR=str(tmp_path / "cache"),
               QT_QPA_PLATFORM="offscreen", OMP_NUM_THREADS="1")
    return env, log


def run_guarded(tmp_path: Path, code: str, timeout: int = 600) -> tuple[subprocess.CompletedProcess, str]:
    env, log = guarded_env(tmp_path)
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=timeout)
    return proc, log.read_text(encoding="utf-8")


def test_the_guard_blocks_and_records(tmp_path):
    """Without this the other tests could pass with no guard at all."""
    code = textwrap.dedent('''
        import socket, urllib.request
        blocked = []
        for attempt in (lambda: socket.create_connection(("127.0.0.1", 9), timeout=1),
                        lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM),
                        lambda: socket.getaddrinfo("example.org", 443),
                        lambda: urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)):
            try:
                attempt()
            except OSError:
                blocked.append(True)
        a, b = socket.socketpair()           # AF_UNIX: allowed
        a.sendall(b"ok"); assert b.recv(2) == b"ok"
        print(len(blocked))
    ''')
    proc, attempts = run_guarded(tmp_path, code, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split()[-1] == "4"
    assert len(re.findall(r"^BLOCKED ", attempts, re.MULTILINE)) == 4
    assert "BLOCKED create_connection" in attempts and "BLOCKED getaddrinfo" in attempts


def test_cli_workflow_and_text_encoder_run_offline(tmp_path):
    """info -> split -> train EASE and the text model -> evaluate a small BPR -> recommend, plus the
    sentence encoder loading and embedding, all in one guarded process."""
    data = tmp_path / "orders.csv"
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    data.write_text("\n".join(lines[:4000]) + "\n", encoding="utf-8")
    code = textwrap.dedent(f'''
        import csv, json, os, sys
        from engine.cli import main
        rcs = {{}}
        def step(name, *args):
            rcs[name] = main(list(args))
        step("info", "info", "{data}", "--json")
        step("split", "split", "{data}", "--out", "split", "--method", "random", "--seed", "0")
        step("train ease", "train", "--train", "split/train.csv", "--model", "ease", "--out", "m_ease")
        step("evaluate bpr", "evaluate", "--train", "split/train.csv", "--test", "split/test.csv",
             "--model", "bpr", "--epochs", "1", "--param", "factors=8", "--json")
        step("train text", "train", "--train", "{data}", "--model", "text", "--out", "m_text")
        user = next(csv.DictReader(open("split/train.csv")))["user"]
        step("recommend", "recommend", "--model-dir", "m_ease", "--user", user, "--k", "5", "--json")
        step("recommend text", "recommend", "--model-dir", "m_text", "--user", user, "--k", "5", "--json")
        from engine.text.encoder import embed_texts
        vecs = embed_texts(["wooden black board", "glass t-light holder"])
        print(json.dumps({{"rcs": rcs, "dims": list(vecs.shape),
                          "offline": os.environ.get("HF_HUB_OFFLINE")}}))
    ''')
    proc, attempts = run_guarded(tmp_path, code)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["rcs"] == {"info": 0, "split": 0, "train ease": 0, "evaluate bpr": 0, "train text": 0,
                              "recommend": 0, "recommend text": 0}, proc.stderr[-3000:]
    assert summary["dims"] == [2, 384] and summary["offline"] == "1"
    assert attempts == "", attempts[:3000]


def test_desktop_app_opens_the_demo_offline(tmp_path):
    out = tmp_path / "shot.png"
    code = (f"import sys; from desktop.app import main; "
            f"sys.exit(main(['--screenshot', r'{out}', '--size', '1366x768']))")
    proc, attempts = run_guarded(tmp_path, code)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "dataset loaded" in proc.stderr and out.stat().st_size > 0
    assert attempts == "", attempts[:3000]
