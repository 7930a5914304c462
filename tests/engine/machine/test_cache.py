"""torch's compile cache stays in RecScope's cache folder, not in the system temp folder, and
seeding torch does not load the compiler at all."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_seeding_torch_writes_nothing_to_the_temp_folder(tmp_path):
    tmp, home = tmp_path / "tmp", tmp_path / "home"
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("RECSCOPE_CACHE_DIR", "TORCHINDUCTOR_CACHE_DIR")}
    env.update(TMPDIR=str(tmp), HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    code = ("import os, sys, engine; from engine.machine.seed import seed_everything; seed_everything(0); "
            "print(os.environ['TORCHINDUCTOR_CACHE_DIR']); print('torch._inductor' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    cache, inductor = out.stdout.split()
    assert cache == str(home / ".cache" / "recscope" / "torchinductor")
    assert list(tmp.iterdir()) == []                 # torch's default was $TMPDIR/torchinductor_<user>
    assert inductor == "False"      # seeding no longer imports the compiler (sympy, dynamo: ~1 s)
