#!/usr/bin/python3
"""The zoo's linear probe side by side with scikit-learn's logistic regression on the same codes.

Reads the codes written by examples/scripts/ProbeCodes.java, standardises them with the training set's mean and
standard deviation (as zoo.classifier.LinearProbe does), and fits scikit-learn's multinomial LogisticRegression
(L-BFGS, to convergence):
  1. at the zoo probe's own objective: mean cross-entropy + (l2 / 2) ||W||^2 with l2 = 1e-4, i.e. C = 1 / (l2 n);
  2. with C chosen on a validation split (trained on the first 50,000 training digits, validation error on the last
     10,000; the test set is not read for the choice), then refitted on all 60,000.
Prints one line per fit with train and test accuracy; the test accuracy of (2) is the reference a linear probe
should reach.
  /usr/bin/python3 examples/scripts/probe_reference.py CODES_DIR [--grid 0.01,0.03,0.1,0.3,1]
"""
import argparse
import time

import numpy as np
from sklearn.linear_model import LogisticRegression


def load(d, name, n, width):
    x = np.fromfile(f"{d}/{name}-codes.f32", dtype="<f4").reshape(n, width)
    y = np.fromfile(f"{d}/{name}-labels.u8", dtype=np.uint8)
    return x, y


def objective(m, x, y, l2):
    """The zoo probe's objective: mean cross-entropy + (l2 / 2) ||W||^2."""
    p = m.predict_log_proba(x)
    return -p[np.arange(len(y)), y].mean() + 0.5 * l2 * (m.coef_ ** 2).sum()


def fit(x, y, c):
    m = LogisticRegression(C=c, max_iter=2000, tol=1e-6)
    m.fit(x, y)
    return m


def main():
    p = argparse.ArgumentParser()
    p.add_argument("codes")
    p.add_argument("--grid", default="0.003,0.01,0.03,0.1,0.3,1")
    p.add_argument("--validation", type=int, default=10000)
    a = p.parse_args()
    n_train, n_test, width = (int(v) for v in open(f"{a.codes}/shape.txt").read().split())
    x, y = load(a.codes, "train", n_train, width)
    xt, yt = load(a.codes, "test", n_test, width)
    mean, std = x.mean(0), x.std(0) + 1e-6
    x, xt = (x - mean) / std, (xt - mean) / std
    t0 = time.time()
    own = fit(x, y, 1.0 / (1e-4 * n_train))
    print(f"sklearn at the zoo probe's objective (l2 1e-4, C {1.0 / (1e-4 * n_train):.4g}): "
          f"train {own.score(x, y):.4f}  test {own.score(xt, yt):.4f}  objective {objective(own, x, y, 1e-4):.5f}"
          f"  ({time.time() - t0:.0f} s)", flush=True)
    cut = n_train - a.validation
    best = None
    for c in (float(v) for v in a.grid.split(",")):
        t0 = time.time()
        m = fit(x[:cut], y[:cut], c)
        v = m.score(x[cut:], y[cut:])
        print(f"C {c:g}: validation {v:.4f}  ({time.time() - t0:.0f} s)", flush=True)
        if best is None or v > best[1]:
            best = (c, v)
    m = fit(x, y, best[0])
    print(f"sklearn, C {best[0]:g} chosen on validation ({best[1]:.4f}), refitted on all {n_train}: "
          f"train {m.score(x, y):.4f}  test {m.score(xt, yt):.4f}")


if __name__ == "__main__":
    main()
