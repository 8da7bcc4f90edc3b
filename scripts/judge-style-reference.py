# Independent check of the judge's style-controlled score (docs/judge.md): Arena-Hard-Auto's formulation re-derived
# in numpy, not our TypeScript. Battle rows duplicated, a tie becoming one A win and one B win; model columns
# +ln10 (A) / -ln10 (B); the four features d = (a-b)/(a+b+1) z-scored (population std); L2 penalty 1/2*||w||^2 on
# the summed log-loss (sklearn LogisticRegression's default C=1, no intercept), solved by Newton's method.
# Usage: python3 scripts/judge-style-reference.py BATTLES.json  (from test/judge/style-data-dump.ts)
import json
import math
import sys

import numpy as np

rows = json.load(open(sys.argv[1]))
models = ["base"] + sorted({r["model_b"] for r in rows})
idx = {m: i for i, m in enumerate(models)}
n, p, k = len(rows), len(models), 4
A = np.array([r["a"] for r in rows], float)
B = np.array([r["b"] for r in rows], float)
d = (A - B) / (A + B + 1)
z = (d - d.mean(0)) / d.std(0)
X = np.zeros((2 * n, p + k))
Y = np.zeros(2 * n)
for t in range(2):
    for i, r in enumerate(rows):
        j = t * n + i
        X[j, idx["base"]] = math.log(10)
        X[j, idx[r["model_b"]]] = -math.log(10)
        X[j, p:] = z[i]
        Y[j] = 1.0 if r["winner"] == "model_a" or (r["winner"] == "tie" and t == 0) else 0.0
w = np.zeros(p + k)
for _ in range(50):
    pr = 1 / (1 + np.exp(-X @ w))
    w -= np.linalg.solve(X.T @ (X * (pr * (1 - pr))[:, None]) + np.eye(p + k), X.T @ (pr - Y) + w)
rating = 400 * w[:p]
print(json.dumps({m: round(100 / (1 + 10 ** ((rating[0] - rating[i]) / 400)), 2) for i, m in enumerate(models)}))
