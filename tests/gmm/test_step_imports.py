"""The GMM-HMM steps run as many short processes: none of them may pull in torch (about 2 s each)."""
import subprocess
import sys

STEPS = ["gmm_init_mono", "gmm_acc_stats", "gmm_est", "gmm_align", "gmm_decode", "gmm_info", "align_equal",
         "compile_train_graphs", "make_graph", "score_decode"]


def test_gmm_steps_do_not_import_torch():
    code = "; ".join(f"import toolkit.bin.{s}" for s in STEPS) + "; import sys; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
