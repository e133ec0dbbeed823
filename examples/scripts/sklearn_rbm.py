#!/usr/bin/env python3
"""scikit-learn's BernoulliRBM on MNIST, for the side-by-side with the zoo's rbm runner (bench-rbm.sh).

Reads the IDX files with numpy (pixels / 255 as float32 probabilities, like the zoo's MnistIterator) and runs the
body of BernoulliRBM.fit (scikit-learn 1.2: the same initialisation from random_state, then _fit on each minibatch
slice in order), one epoch at a time so that each epoch is timed without the scoring. (partial_fit(X) would make
one update on the whole of X as a single batch.) Prints per epoch the training time and score_samples(X).mean()
on the training set (scikit-learn's verbose pseudo-likelihood) and on the test set:
  epoch 1/2  pseudo_likelihood -110.123  test_pseudo_likelihood -109.456  time 12.3s
"""
import argparse
import gzip
import os
import time

import numpy as np
from sklearn.neural_network import BernoulliRBM
from sklearn.utils import check_random_state, gen_even_slices


def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def images(folder, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            x = idx(path)
            return (x.reshape(x.shape[0], -1) / 255.0).astype(np.float32)
    raise SystemExit("missing %s in %s" % (name, folder))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data-dir", default=os.path.expanduser("~/.unsupervised-zoo/data/mnist"))
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--seed", type=int, default=12345)
    a = p.parse_args()
    x = images(a.data_dir, "train-images-idx3-ubyte")
    xt = images(a.data_dir, "t10k-images-idx3-ubyte")
    rbm = BernoulliRBM(n_components=a.hidden, learning_rate=a.lr, batch_size=a.batch, n_iter=1,
                       random_state=a.seed)
    print("model sklearn BernoulliRBM  hidden %d  PCD-1  sgd %g  batch %d  train %d  test %d  sklearn %s"
          % (a.hidden, a.lr, a.batch, x.shape[0], xt.shape[0], __import__("sklearn").__version__), flush=True)
    # BernoulliRBM.fit, scikit-learn 1.2, split into epochs
    rng = check_random_state(rbm.random_state)
    rbm.components_ = np.asarray(rng.normal(0, 0.01, (rbm.n_components, x.shape[1])), order="F", dtype=x.dtype)
    rbm._n_features_out = rbm.components_.shape[0]
    rbm.intercept_hidden_ = np.zeros(rbm.n_components, dtype=x.dtype)
    rbm.intercept_visible_ = np.zeros(x.shape[1], dtype=x.dtype)
    rbm.h_samples_ = np.zeros((rbm.batch_size, rbm.n_components), dtype=x.dtype)
    n_batches = int(np.ceil(float(x.shape[0]) / rbm.batch_size))
    batch_slices = list(gen_even_slices(n_batches * rbm.batch_size, n_batches, n_samples=x.shape[0]))
    rbm.n_features_in_ = x.shape[1]
    for epoch in range(1, a.epochs + 1):
        t0 = time.time()
        for batch_slice in batch_slices:
            rbm._fit(x[batch_slice], rng)
        seconds = time.time() - t0
        pl = rbm.score_samples(x).mean()
        tpl = rbm.score_samples(xt).mean()
        print("epoch %3d/%d  pseudo_likelihood %.3f  test_pseudo_likelihood %.3f  examples/s %6.0f  time %6.1fs"
              % (epoch, a.epochs, pl, tpl, x.shape[0] / seconds, seconds), flush=True)


if __name__ == "__main__":
    main()
