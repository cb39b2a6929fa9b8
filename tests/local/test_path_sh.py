"""path.sh: the environment every recipe runs in."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bash(script: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, cwd="/")


def test_path_sh_sets_the_recipe_environment():
    env = {k: v for k, v in os.environ.items() if k not in ("KALDI_ROOT", "LC_ALL", "PYTHONUNBUFFERED")}
    out = _bash(f'. {ROOT}/path.sh; echo "$PYTHONPATH"; echo "$PATH"; echo "$LC_ALL"; '
                f'echo "$PYTHONUNBUFFERED"; echo "$KALDI_ROOT"', env).stdout.splitlines()
    pythonpath, path, lc_all, unbuffered, kaldi_root = out
    assert pythonpath.split(":")[0] == str(ROOT)
    assert f"{ROOT}/local" in path.split(":")
    assert lc_all == "C" and unbuffered == "1"
    assert Path(kaldi_root).is_dir()


def test_kaldi_io_imports_silently_under_path_sh():
    env = dict(os.environ)
    env["KALDI_ROOT"] = "/no/such/kaldi"  # a stale value must not produce kaldi-io's banner
    proc = _bash(f". {ROOT}/path.sh; python -c 'import kaldi_io'", env)
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr and proc.stderr == ""


def test_path_sh_keeps_a_real_kaldi_root(tmp_path):
    env = dict(os.environ, KALDI_ROOT=str(tmp_path))
    assert _bash(f'. {ROOT}/path.sh; echo "$KALDI_ROOT"', env).stdout.strip() == str(tmp_path)
