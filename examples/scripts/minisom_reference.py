#!/usr/bin/env python3
"""MiniSom's training rule in numpy, for a side-by-side quantization error with the zoo's SOM on the same data and
map size (MiniSom itself cannot be installed here: the machine reaches no Python package index).

The rule is MiniSom 2.3's `train_random` with its defaults, written from its documentation:
  - online: one training digit per iteration, drawn in a random order (each digit once per pass),
  - winner c = argmin_j |x - w_j| (Euclidean), Gaussian neighbourhood h_j = exp(-|r_j - r_c|^2 / (2 sigma(t)^2))
    on the rectangular grid,
  - w_j += eta(t) h_j (x - w_j) for every unit j,
  - asymptotic decay of both: eta(t) = eta0 / (1 + t / (T/2)), sigma(t) = sigma0 / (1 + t / (T/2)), T iterations,
  - PCA start as MiniSom's pca_weights_init (the first two principal directions, unit length, spanned by
    linspace(-1, 1) over rows and columns; no mean added),
and its measures: QE = mean |x - w_bmu| on the test digits (MiniSom >= 2.3.2), TE = share of test digits whose two
best units are not neighbours on the grid (8-neighbourhood), and the classifier of MiniSom's examples: each unit
labelled by the majority of the training digits it wins, a test digit given its winner's label (units that win no
training digit give the overall majority label).

usage: python3 minisom_reference.py MNIST_DIR [--rows 30] [--cols 30] [--epochs 1] [--sigma 3] [--lr 0.5]
                                    [--subset 0] [--seed 1]
One line per epoch (passes over the data), then 'minisom qe ... te ... accuracy ... time ...s'.
"""
import argparse
import time

import numpy as np

from som_reference import idx  # the IDX reader, beside this script


def best_two(x, w, chunk=2000):
    """Indices of the two nearest units of each row of x, and the distance to the nearest."""
    ww = (w * w).sum(1)
    first, second, dist = [], [], []
    for s in range(0, len(x), chunk):
        xb = x[s:s + chunk]
        d = (xb * xb).sum(1)[:, None] + ww[None, :] - 2 * xb @ w.T
        order = np.argpartition(d, 1, axis=1)[:, :2]
        dd = np.take_along_axis(d, order, 1)
        swap = dd[:, 0] > dd[:, 1]
        order[swap] = order[swap][:, ::-1]
        first.append(order[:, 0])
        second.append(order[:, 1])
        dist.append(np.sqrt(np.maximum(d[np.arange(len(xb)), order[:, 0]], 0)))
    return np.concatenate(first), np.concatenate(second), np.concatenate(dist)


def measures(test, w, cols):
    a, b, dist = best_two(test, w)
    ra, ca = np.divmod(a, cols)
    rb, cb = np.divmod(b, cols)
    te = (np.maximum(np.abs(ra - rb), np.abs(ca - cb)) > 1).mean()
    return dist.mean(), te, a


def main():
    p = argparse.ArgumentParser()
    p.add_argument('mnist')
    for name, default in [('rows', 30), ('cols', 30), ('epochs', 1), ('subset', 0), ('seed', 1)]:
        p.add_argument('--' + name, type=int, default=default)
    for name, default in [('sigma', 3.0), ('lr', 0.5)]:
        p.add_argument('--' + name, type=float, default=default)
    a = p.parse_args()
    x = idx(a.mnist + '/train-images-idx3-ubyte').reshape(-1, 784).astype(np.float64) / 255
    y = idx(a.mnist + '/train-labels-idx1-ubyte').astype(np.int64)
    if a.subset:
        x, y = x[:a.subset], y[:a.subset]
    test = idx(a.mnist + '/t10k-images-idx3-ubyte').reshape(-1, 784).astype(np.float64) / 255
    test_y = idx(a.mnist + '/t10k-labels-idx1-ubyte').astype(np.int64)
    rows, cols, units = a.rows, a.cols, a.rows * a.cols
    gr, gc = np.divmod(np.arange(units), cols)

    vals, vecs = np.linalg.eigh(np.cov(x, rowvar=False))
    pc1, pc2 = vecs[:, -1], vecs[:, -2]
    w = (np.linspace(-1, 1, rows)[gr][:, None] * pc1[None, :]
         + np.linspace(-1, 1, cols)[gc][:, None] * pc2[None, :])

    rng = np.random.RandomState(a.seed)
    total = a.epochs * len(x)
    order = np.arange(total) % len(x)
    rng.shuffle(order)
    ww = (w * w).sum(1)
    t = 0
    start = time.time()
    for epoch in range(1, a.epochs + 1):
        t0 = time.time()
        for i in order[(epoch - 1) * len(x):epoch * len(x)]:
            xi = x[i]
            c = np.argmin(ww - 2 * (w @ xi))
            decay = 1.0 + t / (total / 2.0)
            eta, sigma = a.lr / decay, a.sigma / decay
            h = np.exp(-((gr - gr[c]) ** 2 + (gc - gc[c]) ** 2) / (2 * sigma * sigma)) * eta
            near = h > 1e-12 * eta  # units whose update is below 1e-12 of eta's are left as they are
            w[near] += h[near, None] * (xi[None, :] - w[near])
            ww[near] = (w[near] * w[near]).sum(1)
            t += 1
        qe, te, _ = measures(test, w, cols)
        print('epoch %3d/%d  lr %.5f  sigma %.5f  qe %.5f  te %.5f  time %.1fs'
              % (epoch, a.epochs, eta, sigma, qe, te, time.time() - t0), flush=True)

    win, _, _ = best_two(x, w)
    counts = np.zeros((units, 10), dtype=np.int64)
    np.add.at(counts, (win, y), 1)
    labels = np.where(counts.sum(1) > 0, counts.argmax(1), np.bincount(y).argmax())
    qe, te, test_win = measures(test, w, cols)
    accuracy = (labels[test_win] == test_y).mean()
    print('minisom qe %.5f  te %.5f  accuracy %.4f  units_without_digits %d  time %.1fs'
          % (qe, te, accuracy, int((counts.sum(1) == 0).sum()), time.time() - start))


if __name__ == '__main__':
    main()
