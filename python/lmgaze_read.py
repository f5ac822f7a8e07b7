"""Read lmgaze's HDF5 files in Python: attention files (`lmgaze extract`) and
human stores (`lmgaze human import`), with the words attached.

Both files pack each sentence's n x n word matrix as its lower triangle,
row by row ((0,0), (1,0), (1,1), (2,0), ...), sentence after sentence; this
module unpacks them into square numpy arrays (zeros above the diagonal) and,
when pandas is present, tidy tables with one row per word pair.

    import lmgaze_read as lr
    att = lr.open_file("out/attention/llama-7b.plain.h5")
    att.words(0)                    # ['The', 'eyes', ...] of sentence 0
    att.matrix(0, layer=3, head=5)  # n x n numpy array, row i = from word i
    att.tidy(layers=[3])            # pandas DataFrame: layer, head, article,
                                    # sentence, from_word, to_word, from_text,
                                    # to_text, value
    hum = lr.open_file("human.h5")
    hum.matrix(0, group="L1", subject="L1_3")   # saccade counts, NaN = no data

Needs h5py and numpy (Debian: python3-h5py); pandas only for tidy().
Sentences are addressed by their position s in the file (corpus order);
`article(s)` and `index(s)` give the (article, sentence) of METHODS.md 1.
"""

import h5py
import numpy as np

__all__ = ["open_file", "AttentionFile", "HumanStore", "unpack_tril"]


def unpack_tril(packed, n):
    """Packed lower triangle (length n(n+1)/2, row by row) -> n x n array."""
    packed = np.asarray(packed)
    if packed.shape[-1] != n * (n + 1) // 2:
        raise ValueError(f"{packed.shape[-1]} values do not fill the triangle of {n} words")
    rows, cols = np.tril_indices(n)  # row-major order, as lmgaze packs
    out = np.zeros(packed.shape[:-1] + (n, n), dtype=packed.dtype)
    out[..., rows, cols] = packed
    return out


class _Sentences:
    """The /sentences tables shared by both kinds of file."""

    def __init__(self, f, path):
        self._path = path
        g = f["/sentences"]
        self.article_of = g["article"][()].astype(int)
        self.index_of = g["index"][()].astype(int)
        self.n_words_of = g["n_words"][()].astype(int)
        self.pair_offset = g["pair_offset"][()].astype(np.int64)
        self._text = None
        if "text" in g:
            raw = g["text"][()].tobytes()
            offset = g["text_offset"][()]
            self._text = [raw[offset[s]:offset[s + 1]].decode("utf-8")
                          for s in range(len(self.n_words_of))]

    def __len__(self):
        return len(self.n_words_of)

    def check(self, s):
        if not 0 <= s < len(self):
            raise IndexError(f"{self._path}: sentence {s} out of range (0..{len(self) - 1})")

    def words(self, s):
        self.check(s)
        if self._text is None:
            raise ValueError(f"{self._path} holds no sentence text (written before lmgaze stored it)")
        return self._text[s].split(" ")

    def pairs(self, s):
        self.check(s)
        return slice(int(self.pair_offset[s]), int(self.pair_offset[s + 1]))


class _File:
    kind = None

    def __init__(self, path):
        self.path = str(path)
        self._f = h5py.File(self.path, "r")
        attrs = self._f.attrs
        fmt = attrs.get("format")
        fmt = fmt.decode() if isinstance(fmt, bytes) else fmt
        if fmt != self.kind:
            raise ValueError(f"{self.path}: not an {self.kind} file (format {fmt!r})")
        if int(attrs.get("complete", 0)) != 1:
            raise ValueError(f"{self.path}: incomplete (its writer did not finish)")
        if int(attrs.get("format_version", 0)) != 1:
            raise ValueError(f"{self.path}: format_version {attrs.get('format_version')} "
                             "is not 1")
        self.sentences = _Sentences(self._f, self.path)

    def close(self):
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def attr(self, name):
        v = self._f.attrs[name]
        return v.decode() if isinstance(v, bytes) else v

    def n_sentences(self):
        return len(self.sentences)

    def words(self, s):
        """The words of sentence s, as the model and the readers read them."""
        return self.sentences.words(s)

    def article(self, s):
        return int(self.sentences.article_of[s])

    def index(self, s):
        return int(self.sentences.index_of[s])

    def n_words(self, s):
        return int(self.sentences.n_words_of[s])

    def _pair_frame(self, s, labels, values):
        """One row per word pair (j <= i) of sentence s: `labels` (constant
        columns), the sentence's place, both words, and `values` [pairs]."""
        import pandas as pd
        n = self.n_words(s)
        words = self.words(s) if self.sentences._text is not None else [""] * n
        rows, cols = np.tril_indices(n)
        return pd.DataFrame({
            **labels, "article": self.article(s), "sentence": self.index(s),
            "from_word": rows, "to_word": cols, "from_text": [words[i] for i in rows],
            "to_text": [words[j] for j in cols], "value": values})


class AttentionFile(_File):
    """Word-level attention W[l][h] of every layer and head (METHODS.md 2)."""

    kind = "lmgaze-attention"

    @property
    def n_layers(self):
        return int(self._f.attrs["n_layers"])

    @property
    def n_heads(self):
        return int(self._f.attrs["n_heads"])

    def _layer(self, layer):
        if not 0 <= layer < self.n_layers:
            raise IndexError(f"{self.path}: layer {layer} out of range (0..{self.n_layers - 1})")
        return self._f[f"/attention/layer_{layer:03d}"]

    def matrices(self, s, layer):
        """[heads, n, n] float32: row i is where word i looks, zeros above the diagonal."""
        packed = self._layer(layer)[:, self.sentences.pairs(s)]
        return unpack_tril(packed, self.n_words(s))

    def matrix(self, s, layer, head):
        """[n, n] float32 for one head."""
        return self.matrices(s, layer)[head]

    def nll_sum(self):
        """Summed next-token loss (nats) of every sentence."""
        return self._f["/ntp/nll_sum"][()]

    def tidy(self, layers=None, sentences=None):
        """pandas DataFrame, one row per layer x head x word pair (j <= i)."""
        import pandas as pd
        layers = range(self.n_layers) if layers is None else layers
        sentences = range(self.n_sentences()) if sentences is None else sentences
        frames = []
        for s in sentences:
            for layer in layers:
                packed = self._layer(layer)[:, self.sentences.pairs(s)]  # [heads, pairs]
                for h in range(self.n_heads):
                    frames.append(self._pair_frame(s, {"layer": layer, "head": h}, packed[h]))
        return pd.concat(frames, ignore_index=True)


class HumanStore(_File):
    """Saccade matrices of readers, per group (METHODS.md 4)."""

    kind = "lmgaze-human"

    def groups(self):
        return sorted(self._f["/groups"].keys())

    def subjects(self, group):
        return [x.decode() if isinstance(x, bytes) else str(x)
                for x in self._f[f"/groups/{group}/subjects"][()]]

    def matrix(self, s, group, subject, view="count"):
        """[n, n] float64 for one reader; NaN where the reader has no data."""
        subjects = self.subjects(group)
        if subject not in subjects:
            raise KeyError(f"{self.path}: no subject {subject!r} in group {group}")
        row = subjects.index(subject)
        packed = self._f[f"/groups/{group}/{view}"][row, self.sentences.pairs(s)]
        return unpack_tril(packed, self.n_words(s))

    def tidy(self, group, view="count", sentences=None):
        """pandas DataFrame, one row per subject x word pair (j <= i)."""
        import pandas as pd
        sentences = range(self.n_sentences()) if sentences is None else sentences
        data = self._f[f"/groups/{group}/{view}"]
        frames = []
        for s in sentences:
            block = data[:, self.sentences.pairs(s)]  # [subjects, pairs]
            for k, subject in enumerate(self.subjects(group)):
                frames.append(self._pair_frame(s, {"group": group, "subject": subject}, block[k]))
        return pd.concat(frames, ignore_index=True)


def open_file(path):
    """An AttentionFile or a HumanStore, by the file's format attribute."""
    with h5py.File(str(path), "r") as f:
        fmt = f.attrs.get("format")
    fmt = fmt.decode() if isinstance(fmt, bytes) else fmt
    if fmt == AttentionFile.kind:
        return AttentionFile(path)
    if fmt == HumanStore.kind:
        return HumanStore(path)
    raise ValueError(f"{path}: not an lmgaze file (format {fmt!r})")
