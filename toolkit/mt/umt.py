"""Unsupervised translation from monolingual corpora (Lample et al. 2017): one shared Transformer.

- One encoder and one decoder for every language, on the joint SentencePiece vocabulary. The
  encoder is told nothing about the language (its outputs should live in one space for all);
  the decoder starts from the output language's token `<2LANG>` (train_sentencepiece
  --language-tokens) instead of BOS, which is all that tells it what to write.
- Denoising auto-encoding: a sentence is rebuilt from its noisy version (toolkit/mt/noise.py).
- Cross-domain training (back-translation): a sentence is rebuilt from its translation by the
  previous iteration's model (the first iteration's is word-by-word), noised the same way.
- Adversarial term: a discriminator reads every encoder output vector and predicts the
  language of the input sentence; the encoder is trained to fool it. Both sides are trained by
  one optimizer through a gradient reversal layer (Ganin and Lempitsky 2015): the discriminator
  descends its cross-entropy and the encoder ascends it, the minimax of the paper's alternating
  updates, so that checkpoints and exact resumption stay those of toolkit/mt/training.py.

The examples of all three kinds are one `UmtSet`, batched together by `train`; `UmtLoss` is its
`BatchLoss`. Noise is drawn from torch's global generator (whose state the checkpoints keep)
and only in training mode: validation loss is the clean reconstruction's.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import torch
import torch.nn.functional as F
from torch import nn

from toolkit.errors import ToolkitError
from toolkit.mt.batching import pad_sequences, source_tensor
from toolkit.mt.corpus import EncodedSet
from toolkit.mt.device import device_of
from toolkit.mt.noise import add_noise
from toolkit.mt.training import label_smoothed_loss
from toolkit.mt.transformer import Transformer, TransformerConfig
from toolkit.mt.vocab import EOS, PAD


@dataclass
class UmtConfig(TransformerConfig):
    """A TransformerConfig plus the language discriminator's shape."""

    languages: int = 2                  # the discriminator's classes
    discriminator_hidden: int = 512
    discriminator_layers: int = 2       # hidden layers

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.languages < 2 or self.discriminator_hidden < 1 or self.discriminator_layers < 1:
            raise ToolkitError(f"bad discriminator shape: {self}")

    def transformer_config(self) -> TransformerConfig:
        names = {f.name for f in fields(TransformerConfig)}
        return TransformerConfig(**{k: v for k, v in asdict(self).items() if k in names})


class _ReverseGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        return -grad


def reverse_gradient(x: torch.Tensor) -> torch.Tensor:
    """Identity forward; the gradient flows back negated."""
    return _ReverseGradient.apply(x)


class LanguageDiscriminator(nn.Module):
    """states (B, S, D) -> logits (B, S, languages): a LeakyReLU MLP on each vector."""

    def __init__(self, config: UmtConfig):
        super().__init__()
        layers: list[nn.Module] = []
        width = config.d_model
        for _ in range(config.discriminator_layers):
            layers += [nn.Linear(width, config.discriminator_hidden), nn.LeakyReLU(0.2)]
            width = config.discriminator_hidden
        layers.append(nn.Linear(width, config.languages))
        self.net = nn.Sequential(*layers)

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        return self.net(states.float())


class UnsupervisedTranslator(nn.Module):
    """The shared Transformer (`transformer`, saved and decoded as any Transformer) and the discriminator."""

    def __init__(self, config: UmtConfig):
        super().__init__()
        self.config = config
        self.transformer = Transformer(config.transformer_config())
        self.discriminator = LanguageDiscriminator(config)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


@dataclass
class UmtSet(EncodedSet):
    """Training examples: rebuild tgt[i] (language tgt_lang[i]) from src[i] (language src_lang[i]);
    `denoising[i]` is True for auto-encoding (src = tgt, same language), False for a
    back-translation pair. Languages are indices into UmtLoss.language_ids."""

    src_lang: list[int] | None = None
    tgt_lang: list[int] | None = None
    denoising: list[bool] | None = None


def umt_set(parts: list[tuple[int, int, list[list[int]], list[list[int]]]]) -> UmtSet:
    """One UmtSet of (src_lang, tgt_lang, sources, targets) parts. A part whose two languages are
    the same is auto-encoding (its sources must be its targets); the others are back-translation."""
    out = UmtSet([], [], [], src_lang=[], tgt_lang=[], denoising=[])
    for src_lang, tgt_lang, sources, targets in parts:
        if len(sources) != len(targets):
            raise ToolkitError(f"{len(sources)} sources but {len(targets)} targets")
        auto = src_lang == tgt_lang
        if auto and sources != targets:
            raise ToolkitError("an auto-encoding part (one language) must have its targets as sources")
        for s, t in zip(sources, targets):
            out.src.append(s)
            out.tgt.append(t)
            out.lines.append(len(out.lines) + 1)
            out.src_lang.append(src_lang)
            out.tgt_lang.append(tgt_lang)
            out.denoising.append(auto)
    return out


@dataclass
class UmtLoss:
    """The `BatchLoss` of unsupervised training (toolkit/mt/training.py):
    auto_weight * L_auto + cd_weight * L_cd + adv_weight * L_adv, where the first two are
    label-smoothed cross-entropies of the rebuilt tokens (+ EOS) of the batch's auto-encoding and
    back-translation examples and L_adv the discriminator's cross-entropy summed over the
    non-padding encoder outputs (reversed into the encoder). The returned nll is the two
    reconstructions' together."""

    language_ids: list[int]        # the start token of each language index
    word_starts: torch.Tensor      # (V,) bool: noise.word_starts of the vocabulary
    auto_weight: float = 1.0
    cd_weight: float = 1.0
    adv_weight: float = 1.0
    drop_prob: float = 0.1
    shuffle_k: int = 3
    noise_translations: bool = True   # noise the back-translated sources too (C(M(x)) in the paper)

    def __call__(self, model: UnsupervisedTranslator, data: UmtSet, idx: list[int],
                 label_smoothing: float) -> tuple[torch.Tensor, torch.Tensor, int, int]:
        sources = []
        for i in idx:
            s = data.src[i]
            if model.training and (data.denoising[i] or self.noise_translations):
                s = add_noise(s, self.word_starts, self.drop_prob, self.shuffle_k)
            sources.append(s)
        device = device_of(model)
        src = source_tensor(sources, device)
        tgt_in = pad_sequences([[self.language_ids[data.tgt_lang[i]], *data.tgt[i]] for i in idx], device=device)
        tgt_out = pad_sequences([data.tgt[i] for i in idx], suffix=[EOS], device=device)
        t = model.transformer
        memory, pad_mask = t.encode(src)
        logits = t.decode(tgt_in, memory, pad_mask)
        auto = torch.tensor([data.denoising[i] for i in idx], device=device)[:, None]
        loss_auto, nll_auto = label_smoothed_loss(logits, tgt_out.masked_fill(~auto, PAD), label_smoothing)
        loss_cd, nll_cd = label_smoothed_loss(logits, tgt_out.masked_fill(auto, PAD), label_smoothing)
        loss = self.auto_weight * loss_auto + self.cd_weight * loss_cd
        if self.adv_weight > 0:
            lang = torch.tensor([data.src_lang[i] for i in idx], device=device)[:, None].expand_as(pad_mask)
            d_logits = model.discriminator(reverse_gradient(memory))
            adv = F.cross_entropy(d_logits[~pad_mask], lang[~pad_mask], reduction="sum")
            loss = loss + self.adv_weight * adv
        return loss, nll_auto + nll_cd, int(tgt_out.ne(PAD).sum()), int(src.ne(PAD).sum())


@torch.no_grad()
def discriminator_accuracy(model: UnsupervisedTranslator, data: UmtSet, max_sentences: int = 64) -> float:
    """Fraction of non-padding encoder outputs of `data`'s (clean) sources whose language the
    discriminator gets right: near 1 / languages when the encoder fools it."""
    was_training = model.training
    model.eval()
    right = total = 0
    for start in range(0, len(data), max_sentences):
        idx = list(range(start, min(start + max_sentences, len(data))))
        memory, pad_mask = model.transformer.encode(source_tensor([data.src[i] for i in idx], device_of(model)))
        guess = model.discriminator(memory).argmax(-1)
        lang = torch.tensor([data.src_lang[i] for i in idx], device=memory.device)[:, None].expand_as(pad_mask)
        right += int((guess.eq(lang) & ~pad_mask).sum())
        total += int((~pad_mask).sum())
    model.train(was_training)
    return right / max(total, 1)
