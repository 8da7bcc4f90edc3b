#!/usr/bin/env python3
"""A straightforward numpy/scipy fit of what `npm run --silent ratings -- --category overall FILE` computes: the
Bradley-Terry board and the style-controlled board, each with bootstrap rounds, from a JSONL export. It is the
reference point for the CLI's speed (bench/cli.ts --numpy), written the way an analyst would with FastChat's
recipe in mind: json.loads per line; raw BT as a logistic regression on the pair counts; style control as a
logistic regression on [model +-1 columns | z-scored style differences] with L2 0.5, by scipy's L-BFGS-B; each
bootstrap round a multinomial row resample (as counts) refitted from zero. Prints timings on stderr.

Usage: python3 bench/numpy-style-fit.py [--rounds 100] FILE.jsonl
"""
import argparse
import json
import sys
import time

import numpy as np
from scipy.optimize import minimize

LN10 = np.log(10.0)


def parse(path):
    a_idx, b_idx, y, feats = [], [], [], []
    models = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            if r.get("winner") not in ("model_a", "model_b"):
                continue  # the synthetic benchmark data has no ties
            m = r["conv_metadata"]
            def side(s):
                return (
                    m[f"sum_assistant_{s}_tokens"],
                    sum(m[f"header_count_{s}"].values()),
                    sum(m[f"list_count_{s}"].values()),
                    sum(m[f"bold_count_{s}"].values()),
                )
            fa, fb = np.array(side("a"), float), np.array(side("b"), float)
            feats.append((fa - fb) / (fa + fb + 1))
            a_idx.append(models.setdefault(r["model_a"], len(models)))
            b_idx.append(models.setdefault(r["model_b"], len(models)))
            y.append(1.0 if r["winner"] == "model_a" else 0.0)
    return np.array(a_idx), np.array(b_idx), np.array(y), np.array(feats, np.float32).astype(float), len(models)


def fit(X, y, w, l2):
    """Weighted logistic regression (no intercept) with (l2/2)|beta|^2, L-BFGS-B from zero."""
    def loss(beta):
        z = X @ beta
        p = 1.0 / (1.0 + np.exp(-z))
        ll = w * (np.logaddexp(0, z) - y * z)
        g = X.T @ (w * (p - y)) + l2 * beta
        return ll.sum() + 0.5 * l2 * beta @ beta, g
    return minimize(loss, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 1000}).x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("file")
    args = ap.parse_args()
    t0 = time.time()
    a, b, y, d, m = parse(args.file)
    n = len(y)
    t_parse = time.time() - t0
    rng = np.random.default_rng(42)

    # Raw BT on pair counts (FastChat compute_mle_elo): one row per (a, b) with its wins, ties none here.
    t1 = time.time()
    def bt(counts):
        key = a * m + b
        wins = np.bincount(key, weights=counts * y, minlength=m * m)
        total = np.bincount(key, weights=counts, minlength=m * m)
        pairs = np.nonzero(total)[0]
        Xp = np.zeros((len(pairs), m))
        Xp[np.arange(len(pairs)), pairs // m] = LN10
        Xp[np.arange(len(pairs)), pairs % m] = -LN10
        # Two rows per pair (wins and losses), as logistic regression on aggregated data.
        X2 = np.vstack([Xp, Xp])
        y2 = np.concatenate([np.ones(len(pairs)), np.zeros(len(pairs))])
        w2 = np.concatenate([wins[pairs], total[pairs] - wins[pairs]])
        return fit(X2, y2, w2, 1e-6)
    bt(np.ones(n))
    for _ in range(args.rounds):
        bt(np.bincount(rng.integers(0, n, n), minlength=n).astype(float))
    t_bt = time.time() - t1

    # Style control: dense design matrix, z-scored features, L2 0.5 (FastChat's reg).
    t2 = time.time()
    z = (d - d.mean(axis=0)) / d.std(axis=0)
    X = np.zeros((n, m + z.shape[1]))
    X[np.arange(n), a] = LN10
    X[np.arange(n), b] = -LN10
    X[:, m:] = z
    fit(X, y, np.ones(n), 0.5)
    for _ in range(args.rounds):
        fit(X, y, np.bincount(rng.integers(0, n, n), minlength=n).astype(float), 0.5)
    t_style = time.time() - t2
    print(
        f"numpy: {n} battles, {m} models; parse {t_parse:.1f} s, BT + {args.rounds} rounds {t_bt:.1f} s, "
        f"style control + {args.rounds} rounds {t_style:.1f} s, total {time.time() - t0:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
