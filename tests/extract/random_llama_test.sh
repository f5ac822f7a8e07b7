#!/usr/bin/env bash
# bench/gpu/random_llama.py writes checkpoints lmgaze reads, and its padded
# tokenizer (LLaMA's 32000 ids from the project's 2000-piece model) tokenizes
# exactly as the original: the same text gives the same token ids as toy-l.
#   random_llama_test.sh LMGAZE SOURCE_DIR PYTHON
set -euo pipefail
lmgaze=$1 src=$2 py=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" "$src/bench/gpu/random_llama.py" "$tmp/m" --shape tiny --layers 1 --dtype fp32 >/dev/null
"$py" "$src/bench/gpu/random_llama.py" "$tmp/b" --shape tiny --layers 1 --dtype bf16 >/dev/null
# The same checkpoint in shards of at most 1 MB, with its index.
"$py" "$src/bench/gpu/random_llama.py" "$tmp/s" --shape tiny --layers 1 --dtype fp32 --shard-mb 1 >/dev/null
"$lmgaze" extract --model "$tmp/s" --text "$src/data/text/demo.txt" --out "$tmp/s.h5" --quiet
"$lmgaze" extract --model "$tmp/m" --text "$src/data/text/demo.txt" --out "$tmp/m.h5" --quiet
"$lmgaze" extract --model "$tmp/b" --text "$src/data/text/demo.txt" --out "$tmp/b.h5" --quiet --dtype bf16
"$lmgaze" extract --model "$src/data/models/toy-l" --text "$src/data/text/demo.txt" \
  --out "$tmp/toy.h5" --quiet
"$py" - "$tmp" <<'PY'
import json, sys
import h5py
import numpy as np
tmp = sys.argv[1]
cfg = json.load(open(tmp + "/m/config.json"))
assert cfg["vocab_size"] == 32000 and cfg["num_hidden_layers"] == 1, cfg
with h5py.File(tmp + "/m.h5") as m, h5py.File(tmp + "/toy.h5") as t, h5py.File(tmp + "/b.h5") as b:
    for f in (m, b):
        assert f.attrs["complete"] == 1
        assert np.array_equal(f["tokens/ids"][()], t["tokens/ids"][()]), "token ids differ"
        assert np.array_equal(f["tokens/offset"][()], t["tokens/offset"][()])
    # Sharded: every tensor in one shard the index names, the attention that of
    # a one-file checkpoint of the same shape (other seeds: a finite, valid one).
    import glob
    index = json.load(open(tmp + "/s/model.safetensors.index.json"))
    shards = sorted(glob.glob(tmp + "/s/model-*.safetensors"))
    assert len(shards) > 1 and set(index["weight_map"].values()) == {s.split("/")[-1] for s in shards}
    with h5py.File(tmp + "/s.h5") as s:
        assert s.attrs["complete"] == 1
        x = s["attention/layer_000"][()]
        assert x.shape == m["attention/layer_000"].shape and np.all(np.isfinite(x))
    # Random weights, real attention: rows of the first word sum to at most 1.
    a = m["attention/layer_000"][()]
    assert np.all(np.isfinite(a)) and a.min() >= 0 and a.max() <= 1 + 1e-6
    # bf16 weights of the same seed give nearly the same probabilities.
    assert np.max(np.abs(a - b["attention/layer_000"][()])) < 0.05
    print("ok:", m["tokens/ids"].shape[0], "token ids equal toy-l's")
PY
