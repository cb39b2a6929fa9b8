"""Equally spaced initial alignments through training graphs (Kaldi's align-equal-compiled).

For every utterance of DATA with a graph in GRAPHS (from compile_train_graphs), a random
path through its graph is stretched evenly over the frames: the flat start of monophone
training. The path is drawn from a seed derived from the utterance id, so the result does
not depend on how the data are split. Utterances without a graph, or with fewer frames
than their shortest path needs, are reported and skipped; the step fails if none worked.

  python -m toolkit.bin.align_equal exp/mono/fsts.1.ark data/train/split2/1 exp/mono/ali.1.ark
"""
import zlib

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.features.pipeline import FeatureReader
from toolkit.hmm.alignment import equal_alignment
from toolkit.io.archive import int_vector_writer
from toolkit.io.fst_archive import read_fst_archive
from toolkit.log import get_logger
from toolkit.progress import progress

_log = get_logger("align_equal")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("graphs", help="training graphs archive (from compile_train_graphs)")
    p.add_argument("data", help="data directory with feats.scp (only the frame counts are used)")
    p.add_argument("alignments", help="output archive of transition-id alignments")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    reader = FeatureReader(args.data, cmvn=False)
    graphs = dict(read_fst_archive(args.graphs))
    done, failed = 0, []
    with int_vector_writer(args.alignments) as writer:
        for utt in progress(reader.keys(), "equal alignment", unit="utt"):
            graph = graphs.get(utt)
            num_frames = len(reader[utt])
            ali = None if graph is None else equal_alignment(graph, num_frames, zlib.crc32(utt.encode()))
            if ali is None:
                why = "no training graph" if graph is None else f"{num_frames} frames are too few for its transcript"
                _log.warning("utterance '%s' not aligned: %s", utt, why)
                failed.append(utt)
                continue
            writer.write(utt, ali)
            done += 1
        if done == 0:
            raise ToolkitError(f"no utterance of {args.data} could be aligned with {args.graphs}")
    _log.info("aligned %d utterances, %d failed%s", done, len(failed), f" ({' '.join(failed[:10])} ...)" if failed else "")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
