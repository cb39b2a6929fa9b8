"""Feature-space transforms of the tri2/tri3 GMM systems (Kaldi's LDA, MLLT and fMLLR).

- `lda`: class statistics of spliced frames (acc-lda) and the LDA projection (est-lda).
- `mllt`: statistics and estimation of a global semi-tied covariance transform (gmm-acc-mllt, est-mllt).
- `fmllr`: per-speaker constrained MLLR statistics and estimation (gmm-est-fmllr).
- `affine`: applying, composing and inverting transforms, and moving GMM means with them
  (transform-feats, compose-transforms, gmm-transform-means).
- `gauss_stats`: Gaussian posteriors of aligned frames and the weighted scatter sums MLLT and fMLLR share.
- `store`: transforms on disk as Kaldi matrix archives.

A transform is a float64 matrix `(d, D)` (linear, y = M x) or `(d, D + 1)` (affine, y = M [x; 1]).
"""
