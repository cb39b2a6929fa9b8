"""local/parse_options.sh: Kaldi's option parsing for shell scripts."""
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = f"""#!/usr/bin/env bash
# Begin configuration section.
nj=4
foo_bar=default
use_gpu=false
cmd=run_local.sh
# End configuration section.
help_message="Usage: s.sh [options] <data> <exp>
  --nj N   # number of jobs (default: $nj)"
. {ROOT}/local/parse_options.sh || exit 1
echo "nj=$nj foo_bar=$foo_bar use_gpu=$use_gpu cmd=$cmd"
for a in "$@"; do echo "arg=$a"; done
"""


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "s.sh"
    path.write_text(SCRIPT)
    return path


def run(script: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(script), *args], capture_output=True, text=True, cwd=script.parent, timeout=20)


def test_dashed_option_sets_the_underscored_variable(script):
    proc = run(script, "--foo-bar", "v", "--nj", "8", "--cmd", 'run_local.sh --mem "4G" $x')
    assert proc.returncode == 0, proc.stderr
    # The value is taken literally: no word splitting, quote removal or expansion.
    assert proc.stdout.splitlines() == ['nj=8 foo_bar=v use_gpu=false cmd=run_local.sh --mem "4G" $x']


def test_positional_arguments_remain(script):
    proc = run(script, "--nj", "3", "data/train", "exp dir", "--nj", "5")
    assert proc.returncode == 0, proc.stderr
    # Parsing stops at the first positional argument; later options are positional too.
    assert proc.stdout.splitlines() == [
        "nj=3 foo_bar=default use_gpu=false cmd=run_local.sh", "arg=data/train", "arg=exp dir", "arg=--nj", "arg=5"
    ]


def test_double_dash_ends_the_options(script):
    proc = run(script, "--", "--nj", "3")
    assert proc.stdout.splitlines()[1:] == ["arg=--nj", "arg=3"]
    assert proc.stdout.startswith("nj=4 ")


def test_unknown_option_is_an_error_naming_it(script):
    proc = run(script, "--nj", "2", "--num-jobs", "3", "data")
    assert proc.returncode != 0
    assert "--num-jobs" in proc.stderr and "num_jobs" in proc.stderr
    assert proc.stdout == ""


def test_config_is_sourced_first_and_overridden_by_options(script, tmp_path):
    conf = tmp_path / "opts.conf"
    conf.write_text("nj=2\nfoo_bar=from_config\n")
    for args in (["--config", str(conf), "--nj", "9"], ["--nj", "9", "--config", str(conf)]):
        proc = run(script, *args, "data")
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.splitlines() == ["nj=9 foo_bar=from_config use_gpu=false cmd=run_local.sh", "arg=data"]


def test_unreadable_config_is_an_error_naming_it(script):
    proc = run(script, "--config", "/no/such.conf", "data")
    assert proc.returncode != 0 and "/no/such.conf" in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_prints_the_help_message_and_exits_zero(script, flag):
    proc = run(script, "--nj", "2", flag, "data")
    assert proc.returncode == 0
    assert proc.stderr == "Usage: s.sh [options] <data> <exp>\n  --nj N   # number of jobs (default: 4)\n"
    assert proc.stdout == ""


@pytest.mark.parametrize("value, ok", [("true", True), ("false", True), ("yes", False), ("1", False), ("", False)])
def test_booleans_accept_only_true_or_false(script, value, ok):
    proc = run(script, "--use-gpu", value)
    if ok:
        assert proc.returncode == 0 and f"use_gpu={value}" in proc.stdout
    else:
        assert proc.returncode != 0
        assert f"--use-gpu takes true or false, got '{value}'" in proc.stderr


def test_missing_value_is_an_error(script):
    proc = run(script, "--nj")
    assert proc.returncode != 0 and "option --nj needs a value" in proc.stderr


def test_equals_form_is_rejected(script):
    proc = run(script, "--nj=3")
    assert proc.returncode != 0 and "--nj=3" in proc.stderr and proc.stdout == ""
