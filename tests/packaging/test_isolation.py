"""packaging/isolation.py: a real traced run in a network namespace finds what a process wrote
outside its folders and the internet address it tried."""

import subprocess
import sys

import pytest
from _packaging_modules import load_packaging_module


@pytest.fixture(scope="module")
def isolation():
    mod = load_packaging_module("isolation")
    if not mod.available():
        pytest.skip("unshare + strace are not usable here")
    return mod


SCRIPT = """
import os, shutil, socket
open("mine/a.txt", "w").write("x")
open(os.path.join(os.environ["ELSEWHERE"], "stray.txt"), "w").write("x")
open("/etc/hostname").read()                       # reading is fine
os.makedirs("mine/sub"); open("mine/sub/f", "w").write("1"); shutil.rmtree("mine/sub")
os.replace("mine/a.txt", "mine/b.txt")
s = socket.socket(); s.settimeout(1)
print(s.connect_ex(("192.0.2.7", 80)))
"""


def test_writes_outside_and_connects_are_found(isolation, tmp_path):
    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    (work / "mine").mkdir(parents=True)
    elsewhere.mkdir()
    trace = tmp_path / "trace" / "strace"
    trace.parent.mkdir()
    cmd = isolation.isolated([sys.executable, "-c", SCRIPT], trace)
    out = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env={"ELSEWHERE": str(elsewhere),
                                                                              "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() != "0"                 # no network inside: the connect failed
    outside, inet = isolation.findings(trace, [work / "mine"], work)
    assert outside == [str(elsewhere / "stray.txt")]
    assert inet == ["192.0.2.7"]
    # the same run with the stray folder allowed is clean
    assert isolation.findings(trace, [work / "mine", elsewhere], work)[0] == []
