"""local/log.sh: `log` and `stage_banner` stamp time and script:line on stderr."""
import re
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAMP = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"


def run_script(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    path = tmp_path / "run.sh"
    path.write_text(f". {ROOT}/local/log.sh\n{body}")
    return subprocess.run(["bash", str(path)], capture_output=True, text=True, timeout=20)


def assert_recent(stamp: str) -> None:
    t = time.mktime(time.strptime(stamp, "%Y-%m-%d %H:%M:%S"))
    assert abs(time.time() - t) < 60


def test_log_stamps_date_time_script_and_line(tmp_path):
    proc = run_script(tmp_path, 'log "hello  world" 42\nf() {\n  log inside\n}\nf\n')
    assert proc.stdout == ""
    first, second = proc.stderr.splitlines()
    m = re.fullmatch(rf"{STAMP} \(run\.sh:2\) hello  world 42", first)
    assert m, first
    assert_recent(m.group(1))
    # Called from a function: the line of the call to log, in the script that made it.
    assert re.fullmatch(rf"{STAMP} \(run\.sh:4\) inside", second), second


def test_stage_banner_names_the_stage(tmp_path):
    proc = run_script(tmp_path, "\n\nstage_banner 3 Train the monophone system\n")
    assert proc.stdout == ""
    top, middle, bottom = proc.stderr.splitlines()
    assert top == bottom and re.fullmatch(r"=+", top) and len(top) >= 40
    m = re.fullmatch(rf"{STAMP} \(run\.sh:4\) Stage 3: Train the monophone system", middle)
    assert m, middle
    assert_recent(m.group(1))
