#!/usr/bin/env python3
"""Makes the bundled MNIST sample from the original IDX files, reproducibly.

Draws 500 training digits and 100 test digits per class with a fixed seed, keeps them in file order, and
writes four gzipped IDX files (gzip mtime 0, so the bytes are the same on every run).

Usage: make_sample.py SOURCE_DIR [TARGET_DIR]
  SOURCE_DIR  folder with the four uncompressed MNIST files (datasets/scripts/fetch-mnist.sh writes them)
  TARGET_DIR  default: datasets/src/main/resources/org/unsupervisedzoo/datasets/mnist-sample
"""
import gzip
import hashlib
import os
import random
import struct
import sys

PER_CLASS = {"train": 500, "t10k": 100}
SEED = 20261129
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TARGET = os.path.join(HERE, "..", "src", "main", "resources", "org", "unsupervisedzoo", "datasets",
                              "mnist-sample")


def read_idx(path, ndims):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic != bytes([0, 0, 8, ndims]):
        sys.exit(f"{path}: wrong magic number {magic.hex()}")
    dims = struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims])
    body = data[4 + 4 * ndims:]
    size = 1
    for d in dims:
        size *= d
    if len(body) != size:
        sys.exit(f"{path}: header {dims} promises {size} bytes, found {len(body)}")
    return dims, body


def write_idx_gz(path, dims, body):
    header = bytes([0, 0, 8, len(dims)]) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(header + body)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    source = sys.argv[1]
    target = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_TARGET
    os.makedirs(target, exist_ok=True)
    rng = random.Random(SEED)
    for split, per_class in PER_CLASS.items():
        (n, rows, cols), images = read_idx(os.path.join(source, f"{split}-images-idx3-ubyte"), 3)
        (nl,), labels = read_idx(os.path.join(source, f"{split}-labels-idx1-ubyte"), 1)
        if n != nl:
            sys.exit(f"{split}: {n} images but {nl} labels")
        chosen = []
        for digit in range(10):
            members = [i for i in range(n) if labels[i] == digit]
            chosen.extend(rng.sample(members, per_class))
        chosen.sort()
        px = rows * cols
        body = b"".join(images[i * px:(i + 1) * px] for i in chosen)
        write_idx_gz(os.path.join(target, f"{split}-images-idx3-ubyte.gz"), (len(chosen), rows, cols), body)
        write_idx_gz(os.path.join(target, f"{split}-labels-idx1-ubyte.gz"), (len(chosen),),
                     bytes(labels[i] for i in chosen))
        print(f"{split}: {len(chosen)} digits ({per_class} per class)")
    for name in sorted(os.listdir(target)):
        with open(os.path.join(target, name), "rb") as f:
            print(hashlib.md5(f.read()).hexdigest(), name)


if __name__ == "__main__":
    main()
