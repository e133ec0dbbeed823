#!/usr/bin/env python3
"""A numpy reference of the zoo's SOM training, to sanity-check the Java runner's quantization and topographic
errors: the same batch-online Kohonen step w_j += lr/B sum_b h(c_b, j)(x_b - w_j), Gaussian neighbourhood on a
rectangular grid, exponential decay of lr and sigma over all iterations, PCA start (mean + a sqrt(l1) v1 +
b sqrt(l2) v2), QE = mean |x - w_bmu|, TE = share of examples whose two best units are not 8-neighbours
(MiniSom's definitions). Batch order differs from the Java run (own shuffling), so expect close, not equal, values.

usage: python3 som_reference.py MNIST_DIR [--subset 5000] [--epochs 2] [--rows 20] [--cols 20] [--batch 32]
                                [--sigma 10] [--sigma-final 0.5] [--lr 0.5] [--lr-final 0.01]
"""
import argparse
import time

import numpy as np


def idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def errors(x, w, rows, cols):
    d = (x * x).sum(1)[:, None] + (w * w).sum(1)[None, :] - 2 * x @ w.T
    order = np.argsort(d, axis=1, kind='stable')[:, :2]
    qe = np.sqrt(np.maximum(d[np.arange(len(x)), order[:, 0]], 0)).mean()
    r, c = np.divmod(order, cols)
    te = (np.maximum(np.abs(r[:, 0] - r[:, 1]), np.abs(c[:, 0] - c[:, 1])) > 1).mean()
    return qe, te


def main():
    p = argparse.ArgumentParser()
    p.add_argument('mnist')
    for name, default in [('subset', 5000), ('epochs', 2), ('rows', 20), ('cols', 20), ('batch', 32)]:
        p.add_argument('--' + name, type=int, default=default)
    for name, default in [('sigma', 10.0), ('sigma-final', 0.5), ('lr', 0.5), ('lr-final', 0.01)]:
        p.add_argument('--' + name, type=float, default=default)
    p.add_argument('--seed', type=int, default=1)
    a = p.parse_args()
    x = idx(a.mnist + '/train-images-idx3-ubyte').reshape(-1, 784).astype(np.float64) / 255
    if a.subset:
        x = x[:a.subset]
    test = idx(a.mnist + '/t10k-images-idx3-ubyte').reshape(-1, 784).astype(np.float64) / 255
    rows, cols, units = a.rows, a.cols, a.rows * a.cols
    gr, gc = np.divmod(np.arange(units), cols)
    grid2 = (gr[:, None] - gr[None, :]) ** 2 + (gc[:, None] - gc[None, :]) ** 2
    # PCA start
    mean = x.mean(0)
    vals, vecs = np.linalg.eigh(np.cov(x, rowvar=False))
    v1, v2 = vecs[:, -1] * np.sqrt(vals[-1]), vecs[:, -2] * np.sqrt(vals[-2])
    a_c = np.linspace(-1, 1, cols)[gc]
    b_r = np.linspace(-1, 1, rows)[gr]
    w = mean[None, :] + a_c[:, None] * v1[None, :] + b_r[:, None] * v2[None, :]
    print('init pca  qe %.5f  te %.5f' % errors(test, w, rows, cols))
    rng = np.random.default_rng(a.seed)
    per_epoch = (len(x) + a.batch - 1) // a.batch
    total = a.epochs * per_epoch
    t = 0
    for epoch in range(1, a.epochs + 1):
        t0 = time.time()
        perm = rng.permutation(len(x))
        for i in range(per_epoch):
            xb = x[perm[i * a.batch:(i + 1) * a.batch]]
            u = min(t, total) / total
            lr = a.lr * (a.lr_final / a.lr) ** u
            sigma = a.sigma * (a.sigma_final / a.sigma) ** u
            d = (xb * xb).sum(1)[:, None] + (w * w).sum(1)[None, :] - 2 * xb @ w.T
            h = np.exp(-grid2[d.argmin(1)] / (2 * sigma * sigma))            # [B, units]
            w += lr / len(xb) * (h.T @ xb - h.sum(0)[:, None] * w)
            t += 1
        qe, te = errors(test, w, rows, cols)
        print('epoch %3d/%d  lr %.5f  sigma %.5f  qe %.5f  te %.5f  time %.1fs'
              % (epoch, a.epochs, lr, sigma, qe, te, time.time() - t0))


if __name__ == '__main__':
    main()
