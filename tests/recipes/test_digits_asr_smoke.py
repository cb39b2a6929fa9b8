"""The digits recipe end to end on a tiny corpus: data, lang, features, monophone training, graph, decoding, scoring.

Sizes and iterations are cut so that it runs in about a minute; what it checks is the
plumbing between the stages and the contracts of their outputs, not accuracy.
"""
import json
import os
import re
import subprocess
from pathlib import Path

import numpy as np

from toolkit.gmm.accumulate import GmmAccumulator
from toolkit.gmm.model import load_model
from toolkit.hmm.silence import parse_phone_list
from toolkit.io.archive import read_int_vectors

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "recipes" / "digits" / "asr"


def _run(cmd: str, cwd: Path) -> str:
    proc = subprocess.run(["bash", "-c", f". {RECIPE}/path.sh; set -e; {cmd}"], cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    return proc.stdout + proc.stderr


def _silence_frames(ali_dir: Path, lang: Path) -> int:
    """Frames aligned to the silence phones of `lang` in ali_dir/ali.*.ark."""
    trans_model, _, _ = load_model(ali_dir / "final.mdl")
    silence = np.zeros(int(trans_model.tid2phone.max()) + 1, dtype=bool)
    silence[parse_phone_list((lang / "phones/silence.csl").read_text().strip(), "silence.csl")] = True
    return sum(int(silence[trans_model.tid2phone[tids]].sum())
               for ark in ali_dir.glob("ali.*.ark") for _, tids in read_int_vectors(ark))


def test_digits_recipe_tiny(tmp_path):
    work = tmp_path / "work"
    _run(f"{RECIPE}/run.sh --work-dir {work} --stop-stage 3 --real-speech false "
         "--n-train 60 --n-dev 12 --n-test 12 --nj 2", tmp_path)
    for s in ("train", "dev", "test"):
        assert (work / "data" / s / "feats.scp").is_file() and (work / "data" / s / "cmvn.scp").is_file()
    assert (work / "data/lang_test/G.fst").is_file()

    _run("train_mono.sh --nj 2 --num-iters 4 --max-iter-inc 2 --totgauss 120 --realign-iters '2' "
         "data/train data/lang exp/mono", work)
    assert (work / "exp/mono/final.mdl").is_file() and int((work / "exp/mono/train_seconds").read_text()) >= 0
    info = _run("python -m toolkit.bin.gmm_info exp/mono/final.mdl", work)
    assert re.search(r"^feature-dim 39$", info, re.M)

    # Realigning with --acc accumulates exactly what gmm_acc_stats computes from the new alignments.
    _run("python -m toolkit.bin.gmm_align --acc a1.acc exp/mono/final.mdl exp/mono/fsts.1.ark "
         "data/train/split2/1 ali.ark && python -m toolkit.bin.gmm_acc_stats exp/mono/final.mdl "
         "data/train/split2/1 ali.ark a2.acc", work)
    a1, a2 = GmmAccumulator.load(work / "a1.acc"), GmmAccumulator.load(work / "a2.acc")
    np.testing.assert_allclose(a1.occupancy, a2.occupancy, rtol=1e-6)
    np.testing.assert_array_equal(a1.tid_counts, a2.tid_counts)

    _run(f"{RECIPE}/run.sh --work-dir {work} --stage 5 --stop-stage 6 --real-speech false --nj 2", tmp_path)
    best = (work / "exp/mono/decode_dev/best_wer").read_text()
    assert re.match(r"%WER \d+\.\d\d \[ \d+ / \d+, \d+ ins, \d+ del, \d+ sub \] exp/mono/decode_dev/wer_\d+_[\d.]+$",
                    best.strip())
    dev = json.loads((work / "exp/mono/decode_dev/scoring.json").read_text())
    test = json.loads((work / "exp/mono/decode_test/scoring.json").read_text())
    assert test["settings"] == [f"{dev['lmwt']:g}_{dev['penalty']:g}"]  # test scored once, at dev's choice
    assert test["words"] == sum(len(line.split()) - 1 for line in (work / "data/test/text").read_text().splitlines())
    assert list((work / "exp/mono_ali").glob("ali.*.ark"))

    # The alignments can be shown as phones with times, and the scorer's numbers agree with compute_wer.
    shown = _run("python -m toolkit.bin.show_alignments data/lang/phones.txt exp/mono_ali/final.mdl "
                 "exp/mono_ali/ali.1.ark | head -3", work)
    assert shown.strip()
    setting = f"{dev['lmwt']:g}_{dev['penalty']:g}"
    cat = " ".join(str(p) for p in sorted((work / "exp/mono/decode_dev").glob(f"hyp.*/{setting}.txt")))
    out = _run(f"cat {cat} > hyp.txt; python -m toolkit.bin.compute_wer --mode all data/dev/text hyp.txt", work)
    assert f"[ {dev['errors']} / {dev['words']}," in out
    assert os.path.isfile(work / "exp/mono/decode_test/per_utt")
    # Speaker-independent decoding splits a set by utterance (fMLLR decoding, below, by speaker).
    assert "data/test/split2utt/1 " in (work / "exp/mono/decode_test/log/decode.1.log").read_text()

    # Triphones on deltas, then LDA+MLLT, with cut-down schedules: trees, transforms, graphs with context.
    _run("train_deltas.sh --nj 2 --num-leaves 100 --tot-gauss 300 --num-iters 4 --max-iter-inc 2 --realign-iters 2 "
         "data/train data/lang exp/mono_ali exp/tri1", work)
    info = _run("python -m toolkit.bin.gmm_info exp/tri1/final.mdl", work)
    assert re.search(r"^context-width 3$", info, re.M) and re.search(r"^feature-dim 39$", info, re.M)
    _run("align_si.sh --nj 2 data/train data/lang exp/tri1 exp/tri1_ali", work)
    # Boosting silence (Kaldi's --boost-silence) can only move frames from speech to silence.
    log = _run("align_si.sh --nj 2 --boost-silence 3 data/train data/lang exp/tri1 exp/tri1_ali_boost && "
               "cat exp/tri1_ali_boost/log/align.1.log", work)
    assert "likelihood of 5 silence pdfs multiplied by 3" in log
    lang = work / "data/lang"
    assert _silence_frames(work / "exp/tri1_ali_boost", lang) > _silence_frames(work / "exp/tri1_ali", lang)
    # Kaldi's random pruning of the LDA and MLLT statistics: kept frames weigh 4.
    _run("train_lda_mllt.sh --nj 2 --num-leaves 100 --tot-gauss 300 --num-iters 4 --max-iter-inc 2 "
         "--realign-iters 3 --mllt-iters 2 --randprune 4 data/train data/lang exp/tri1_ali exp/tri2", work)
    lda_frames = re.search(r"accumulated ([0-9.]+) weighted frames", (work / "exp/tri2/log/lda_acc.1.log").read_text())
    assert lda_frames and float(lda_frames.group(1)) % 4 == 0 and float(lda_frames.group(1)) > 0
    info = _run("python -m toolkit.bin.gmm_info exp/tri2/final.mdl", work)
    assert re.search(r"^feature-dim 40$", info, re.M)
    assert "--transform exp/tri2/final.mat" in (work / "exp/tri2/feat_opts").read_text()
    _run("decode_system.sh --nj 2 --sets 'dev test' data/lang_test exp/tri2", work)
    tri2_test = json.loads((work / "exp/tri2/decode_test/scoring.json").read_text())
    assert tri2_test["words"] == test["words"]
    # The sets after dev decode side by side; one that fails is named and fails the script.
    bad = subprocess.run(["bash", "-c", f". {RECIPE}/path.sh; decode_system.sh --nj 2 --sets 'dev test nosuchset' "
                          "--graph-dir exp/tri2/graph data/lang_test exp/tri2"], cwd=work, capture_output=True, text=True)
    assert bad.returncode == 1 and "Decoding failed for nosuchset" in bad.stderr
    assert json.loads((work / "exp/tri2/decode_test/scoring.json").read_text()) == tri2_test

    # Speaker adaptive training on the LDA+MLLT features, decoded in two passes with fMLLR.
    _run("align_si.sh --nj 2 data/train data/lang exp/tri2 exp/tri2_ali && "
         "train_sat.sh --nj 2 --num-leaves 100 --tot-gauss 300 --num-iters 4 --max-iter-inc 2 --realign-iters 3 "
         "--fmllr-iters 2 data/train data/lang exp/tri2_ali exp/tri3", work)
    assert (work / "exp/tri3/final.alimdl").is_file() and list((work / "exp/tri3").glob("trans.*.ark"))
    _run("decode_system.sh --nj 2 --sets 'dev test' --decoder decode_fmllr.sh data/lang_test exp/tri3", work)
    for s in ("dev", "test"):
        for d in (f"decode_{s}", f"decode_{s}.si", f"decode_{s}.fmllr1"):  # the default two fMLLR passes
            assert json.loads((work / "exp/tri3" / d / "scoring.json").read_text())["words"] > 0
            assert f"data/{s}/split2/1 " in (work / "exp/tri3" / d / "log/decode.1.log").read_text()
    _run("align_fmllr.sh --nj 2 data/train data/lang exp/tri3 exp/tri3_ali", work)
    ali_dir = work / "exp/tri3_ali"
    assert len(list(ali_dir.glob("ali.*.ark"))) == 2 == len(list(ali_dir.glob("trans.*.ark")))

    # The hybrid DNN-HMM on tri3's tied states and fMLLR features (tiny and short: plumbing only).
    _run(f"{RECIPE}/run.sh --work-dir {work} --stage 16 --stop-stage 16 --real-speech false --nj 2", tmp_path)
    for s in ("train", "dev", "test"):
        fdir = work / "data-fmllr-tri3" / s
        assert (fdir / "feats.scp").is_file() and not (fdir / "cmvn.scp").exists()
    small = "--hidden-layers 2 --hidden-dim 24 --cv-every 3"
    _run(f"train_dnn.sh {small} --max-epochs 2 data-fmllr-tri3/train exp/tri3_ali exp/dnn", work)
    summary = json.loads((work / "exp/dnn/train_summary.json").read_text())
    assert summary["epochs"] == 2 and summary["peak_gflops"] > 0 and summary["frames_per_second"] > 0
    assert (work / "exp/dnn/final.nnet").is_file() and (work / "exp/dnn/ali_train_pdf.counts").is_file()
    # Run again: it resumes with nothing left to train, and its time counts the earlier run's (the
    # state file's, made large here so that the sum shows).
    state_file = work / "exp/dnn/train_state.json"
    state = json.loads(state_file.read_text())
    assert state["seconds"] > 0
    state_file.write_text(json.dumps({**state, "seconds": 1000.0}))
    _run(f"train_dnn.sh {small} --max-epochs 2 data-fmllr-tri3/train exp/tri3_ali exp/dnn", work)
    assert "resuming after epoch 2" in (work / "exp/dnn/log/train.log").read_text()
    assert json.loads((work / "exp/dnn/train_summary.json").read_text())["earlier_seconds"] == 1000.0
    assert 1000 < int((work / "exp/dnn/train_seconds").read_text()) < 1100
    _run("decode_system.sh --nj 2 --graph-dir exp/tri3/graph --data-root data-fmllr-tri3 data/lang_test exp/dnn", work)
    dnn_test = json.loads((work / "exp/dnn/decode_test/scoring.json").read_text())
    assert dnn_test["words"] == test["words"]
    assert not (work / "exp/dnn/graph").exists()  # tri3's graph was used

    # Pretraining: RBMs initialise the same network.
    _run(f"pretrain_dbn.sh --hidden-layers 2 --hidden-dim 24 --gaussian-epochs 1 --bernoulli-epochs 0.5 "
         f"data-fmllr-tri3/train exp/dnn_dbn/pretrain && train_dnn.sh {small} --max-epochs 1 "
         f"--dbn exp/dnn_dbn/pretrain/final.dbn data-fmllr-tri3/train exp/tri3_ali exp/dnn_dbn", work)
    assert "input normalisation from exp/dnn_dbn/pretrain/final.dbn" in (work / "exp/dnn_dbn/log/train.log").read_text()

    # Log-likelihoods for other decoders: log-posteriors (which normalise) minus log-priors.
    for opt, ark in (("--priors", "loglikes.ark"), ("--no-priors", "logpost.ark")):
        _run(f"python -m toolkit.bin.nnet_forward {opt} --no-cmvn --delta-order 0 exp/dnn/final.nnet "
             f"exp/dnn/ali_train_pdf.counts data-fmllr-tri3/dev {ark}", work)
    from toolkit.io.archive import read_int_vectors, read_matrices
    from toolkit.nnet.targets import log_priors, read_counts
    loglikes, logpost = dict(read_matrices(work / "loglikes.ark")), dict(read_matrices(work / "logpost.ark"))
    frames = dict(line.split() for line in (work / "data/dev/utt2num_frames").read_text().splitlines())
    num_pdfs = next(iter(loglikes.values())).shape[1]
    priors = log_priors(read_counts(work / "exp/dnn/ali_train_pdf.counts", num_pdfs))
    assert sorted(loglikes) == sorted(frames)
    for utt, m in loglikes.items():
        assert m.shape == (int(frames[utt]), num_pdfs)
        np.testing.assert_allclose(np.exp(logpost[utt]).sum(1), 1.0, atol=1e-4)
        np.testing.assert_allclose(m, logpost[utt] - priors, rtol=1e-5, atol=1e-3)

    # Realignment with the DNN: an alignment per training utterance, of its length, that the DNN trains on.
    _run("align_nnet.sh --nj 2 data-fmllr-tri3/train data/lang exp/dnn exp/dnn_ali", work)
    realigned = {k: len(v) for j in (1, 2) for k, v in read_int_vectors(work / f"exp/dnn_ali/ali.{j}.ark")}
    train_frames = dict(line.split() for line in (work / "data/train/utt2num_frames").read_text().splitlines())
    assert realigned == {utt: int(n) for utt, n in train_frames.items()}
    _run(f"train_dnn.sh {small} --max-epochs 1 data-fmllr-tri3/train exp/dnn_ali exp/dnn_realigned", work)
    assert (work / "exp/dnn_realigned/final.nnet").is_file()

    # Bad input: a model with other pdfs, a missing prior file.
    bad = subprocess.run(["bash", "-c", f". {RECIPE}/path.sh; python -m toolkit.bin.nnet_decode --no-cmvn "
                          "--delta-order 0 exp/dnn/final.nnet exp/dnn/ali_train_pdf.counts exp/mono/final.mdl "
                          "exp/tri3/graph data-fmllr-tri3/dev/split2/1 out"], cwd=work, capture_output=True, text=True)
    assert bad.returncode == 1 and "outputs but exp/mono/final.mdl has" in bad.stderr
    bad = subprocess.run(["bash", "-c", f". {RECIPE}/path.sh; python -m toolkit.bin.nnet_forward --no-cmvn "
                          "--delta-order 0 exp/dnn/final.nnet missing.counts data-fmllr-tri3/dev x.ark"],
                         cwd=work, capture_output=True, text=True)
    assert bad.returncode == 1 and "missing.counts: cannot read the pdf counts" in bad.stderr
    assert not (work / "x.ark").exists()
