#!/usr/bin/env python3
"""scikit-learn's BernoulliRBM on MNIST, for the side-by-side with the zoo's rbm runner (bench-rbm.sh).

Reads the IDX files with numpy (pixels / 255 as float32 probabilities, like the zoo's MnistIterator), trains with
partial_fit over the whole training set once per epoch (what fit does per iteration: minibatches in order), and
prints per epoch the training time and score_samples(X).mean() on the training set (scikit-learn's verbose
pseudo-likelihood) and on the test set:
  epoch 1/2  pseudo_likelihood -110.123  test_pseudo_likelihood -109.456  time 12.3s
"""
import argparse
import gzip
import os
import time

import numpy as np
from sklearn.neural_network import BernoulliRBM


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
    for epoch in range(1, a.epochs + 1):
        t0 = time.time()
        rbm.partial_fit(x)
        seconds = time.time() - t0
        pl = rbm.score_samples(x).mean()
        tpl = rbm.score_samples(xt).mean()
        print("epoch %3d/%d  pseudo_likelihood %.3f  test_pseudo_likelihood %.3f  examples/s %6.0f  time %6.1fs"
              % (epoch, a.epochs, pl, tpl, x.shape[0] / seconds, seconds), flush=True)


if __name__ == "__main__":
    main()
