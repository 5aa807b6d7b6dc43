"""Clusters a labelled set with peer tools on the same vectors as pog-miner, and scores them the way
src/eval/metrics.ts does, so that bench:cluster can report them beside our own clustering.

    python3 bench/peers/cluster_peers.py --vectors V.bin --items ITEMS.json [--seed 42] [--json]

V.bin is our vector file (src/embed/vector-file.ts): one JSON header line {model, dim, ids,
vocabulary?}, then len(ids) * dim little-endian float32 values, one L2-normalised row per item.
ITEMS.json is a JSON array of {label: str | null, text: str} in the same order as the rows.

Peers:
  * scikit-learn KMeans with k = the number of distinct non-null labels (n_init=10).
  * BERTopic fitted on our vectors (UMAP + HDBSCAN), once with its defaults (min_topic_size=10) and
    once with min_topic_size=2.

Prints one JSON object {"peers": [...], ...} on stdout and nothing else there: all logging, library
chatter and the human-readable table (left out with --json) go to stderr. Exit code 3 when the peer
libraries are not installed, with the install command on stderr.
"""

import argparse
import contextlib
import json
import os
import sys
import time
import traceback
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version

REQUIREMENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "requirements-cluster.txt")
INSTALL_COMMAND = f"pip install --no-deps -r {os.path.relpath(REQUIREMENTS)}"

try:
    import bertopic
    import hdbscan  # noqa: F401  (BERTopic's default clusterer; import it here to fail early)
    import numpy as np
    import scipy.sparse
    import sklearn
    import umap
    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder
    from sklearn.cluster import KMeans
    from sklearn.metrics import (
        adjusted_rand_score,
        homogeneity_completeness_v_measure,
        normalized_mutual_info_score,
    )
except ImportError as err:
    sys.stderr.write(
        f"cluster_peers: cannot import the peer tools ({err}).\n"
        f"Install them (no torch or sentence-transformers needed) with:\n  {INSTALL_COMMAND}\n"
    )
    sys.exit(3)


# Share of non-zero values below which KMeans gets the vectors as a sparse matrix (see run_kmeans).
SPARSE_BELOW = 0.1

# umap-learn computes exact nearest neighbours below this many items, pynndescent from there on.
UMAP_EXACT_BELOW = 4096


# --- input -------------------------------------------------------------------------------------------


def read_vector_file(path):
    """Reads our vector file (src/embed/vector-file.ts). Returns (header, vectors): a float32 array
    of shape (len(ids), dim) for the dense layout, a float32 CSR matrix for the sparse one.

    Layouts, little-endian after the JSON header line: "dense" (the default when the header has no
    "layout") is len(ids) * dim float32 values, rows back to back; "sparse" is, per row, a uint32
    count c, then c int32 dimension numbers, then c float32 values.
    """
    with open(path, "rb") as f:
        buf = f.read()
    nl = buf.index(b"\n")
    header = json.loads(buf[:nl].decode("utf-8"))
    n, dim = len(header["ids"]), int(header["dim"])
    body = memoryview(buf)[nl + 1 :]
    layout = header.get("layout", "dense")
    if layout == "dense":
        if len(body) != n * dim * 4:
            raise ValueError(
                f"vector file {path}: expected {n * dim * 4} bytes of vectors, found {len(body)}"
            )
        # Native-endian, writable copy: scikit-learn and numba want both.
        return header, np.frombuffer(body, dtype="<f4").reshape(n, dim).astype(np.float32)
    if layout != "sparse":
        raise ValueError(f"vector file {path}: unknown layout {layout!r}")
    indptr = np.zeros(n + 1, dtype=np.int64)
    indices, values = [], []
    at = 0
    for row in range(n):
        if at + 4 > len(body):
            raise ValueError(f"vector file {path} is truncated")
        count = int.from_bytes(body[at : at + 4], "little")
        at += 4
        if at + count * 8 > len(body):
            raise ValueError(f"vector file {path} is truncated")
        indices.append(np.frombuffer(body, dtype="<i4", count=count, offset=at))
        values.append(np.frombuffer(body, dtype="<f4", count=count, offset=at + count * 4))
        at += count * 8
        indptr[row + 1] = indptr[row] + count
    if at != len(body):
        raise ValueError(f"vector file {path}: {len(body) - at} bytes after the last row")
    matrix = scipy.sparse.csr_matrix(
        (
            np.concatenate(values).astype(np.float32) if n else np.zeros(0, np.float32),
            np.concatenate(indices).astype(np.int32) if n else np.zeros(0, np.int32),
            indptr,
        ),
        shape=(n, dim),
    )
    return header, matrix


# --- scoring (must match src/eval/metrics.ts) ----------------------------------------------------------


def truth_codes(labels):
    """Integer class per item; every null label (noise) becomes a class of its own."""
    names = {}
    codes = []
    for i, label in enumerate(labels):
        if label is None:
            codes.append(-(i + 1))  # unique per item, never collides with a real class (>= 0)
        else:
            codes.append(names.setdefault(label, len(names)))
    return np.asarray(codes)


def cluster_codes(assignment):
    """Integer cluster per item; every unclustered item (-1, BERTopic's outlier topic) becomes a
    cluster of its own."""
    assignment = np.asarray(assignment)
    return np.where(assignment < 0, -(np.arange(len(assignment)) + 1), assignment)


SCORE_KEYS = ("ari", "nmi", "vMeasure", "homogeneity", "completeness", "unclustered")


def score(truth, assignment):
    """ARI, NMI (arithmetic mean), homogeneity, completeness and V-measure as scikit-learn computes
    them, with the singleton convention above, plus the share of items left unclustered."""
    t = truth_codes(truth)
    p = cluster_codes(assignment)
    homogeneity, completeness, v_measure = homogeneity_completeness_v_measure(t, p)
    return {
        "ari": float(adjusted_rand_score(t, p)),
        "nmi": float(normalized_mutual_info_score(t, p, average_method="arithmetic")),
        "vMeasure": float(v_measure),
        "homogeneity": float(homogeneity),
        "completeness": float(completeness),
        "unclustered": float(np.mean(np.asarray(assignment) < 0)) if len(assignment) else 0.0,
    }


# --- peers -------------------------------------------------------------------------------------------


def run_kmeans(vectors, k, seed, sparse):
    """scikit-learn KMeans on the vectors as given. It assigns every item, noise included: that is
    how the peer behaves, so it is reported as-is.

    Mostly-zero vectors (TF-IDF, or a file in the sparse layout) go in as a CSR matrix, as scikit-learn's own TfidfVectorizer hands
    them over: the same vectors and the same Lloyd iterations, but about 7x faster than dense at
    2,048 dimensions (8 s instead of 61 s on the 2,088-item templated set). Scores can differ from a
    dense run in the last digits only through floating-point summation order.
    """
    if k < 1:
        raise ValueError("the set has no labelled class, so k = classes is 0")
    if sparse and not scipy.sparse.issparse(vectors):
        vectors = scipy.sparse.csr_matrix(vectors)
    model = KMeans(n_clusters=min(k, vectors.shape[0]), n_init=10, random_state=seed)
    assignment = model.fit_predict(vectors)
    return assignment, int(model.n_clusters)


class PrecomputedVectorsOnly(BaseEmbedder):
    """Embedding model handed to BERTopic so that it never loads one of its own.

    Left at None (or given a model name as a string), BERTopic falls back to sentence-transformers'
    all-MiniLM-L6-v2, which needs torch and a download from Hugging Face, unreachable here. A
    BaseEmbedder instance is taken as it is (bertopic.backend._utils.select_backend), and since we
    pass our vectors to fit_transform it is never asked to embed; if a future BERTopic did ask, this
    fails loudly instead of scoring something other than our vectors.
    """

    def embed(self, documents, verbose=False):
        raise RuntimeError("BERTopic tried to embed text; this runner only scores precomputed vectors")


def run_bertopic(texts, vectors, seed, min_topic_size):
    """BERTopic on our vectors with its default pipeline (UMAP to 5-d, HDBSCAN, c-TF-IDF).

    The UMAP model is BERTopic's own default (n_neighbors=15, n_components=5, min_dist=0.0,
    metric='cosine') with random_state added: without it UMAP, and so the topics, change from run to
    run. (A fixed random_state also makes UMAP single-threaded.) HDBSCAN is left for BERTopic to build,
    so min_topic_size reaches it as min_cluster_size, as in a default install.

    Sparse-layout vectors are handed over dense: BERTopic takes embeddings as a numpy array (it
    averages them per topic with numpy), and n * dim float32 is small at our sizes (10k x 4,096 is
    160 MB).
    """
    if scipy.sparse.issparse(vectors):
        vectors = vectors.toarray()
    umap_model = umap.UMAP(
        n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", low_memory=False, random_state=seed
    )
    model = BERTopic(
        embedding_model=PrecomputedVectorsOnly(),
        umap_model=umap_model,
        min_topic_size=min_topic_size,
        calculate_probabilities=False,
        verbose=False,
    )
    topics, _ = model.fit_transform(texts, embeddings=vectors)
    assignment = np.asarray(topics)
    return assignment, len(set(assignment[assignment >= 0].tolist()))


def warm_up_umap(seed, n_items):
    """Compiles UMAP's numba kernels on a tiny random set first, so that the first BERTopic row is not
    charged the one-off JIT compilation (about 9 s, plus about 26 s for pynndescent) that the second
    row would not pay. UMAP finds exact neighbours below 4,096 items and switches to pynndescent from
    there, so the warm-up takes the path the real set will take.
    """
    tiny = np.random.default_rng(seed).normal(size=(64, 8)).astype(np.float32)
    umap.UMAP(
        n_neighbors=15,
        n_components=5,
        min_dist=0.0,
        metric="cosine",
        random_state=seed,
        force_approximation_algorithm=n_items >= UMAP_EXACT_BELOW,
    ).fit_transform(tiny)


def _version(dist):
    try:
        return dist_version(dist)
    except PackageNotFoundError:
        return "?"


# --- main --------------------------------------------------------------------------------------------


def peer_row(name, version, settings, fit, labels):
    """Runs one peer, times its fit, and scores it. A peer that fails yields a row with its error and
    null scores (traceback on stderr) rather than taking the other peers down with it."""
    started = time.perf_counter()
    try:
        assignment, found = fit()
    except Exception as err:  # noqa: BLE001 (reported in the row)
        traceback.print_exc(file=sys.stderr)
        return {
            "name": name,
            "version": version,
            "settings": settings,
            "error": f"{type(err).__name__}: {err}",
            **{key: None for key in ("k", "patterns", *SCORE_KEYS, "seconds")},
        }
    seconds = time.perf_counter() - started
    return {
        "name": name,
        "version": version,
        "settings": settings,
        "k": found,
        "patterns": len({a for a in assignment.tolist() if a >= 0}),
        **score(labels, assignment),
        "seconds": round(seconds, 3),
    }


def print_table(result):
    out = sys.stderr
    out.write(
        f"{result['items']} items, {result['classes']} classes, {result['noise']} noise; "
        f"vectors {result['model']} ({result['dim']}-d), seed {result['seed']}\n"
    )
    out.write(
        f"{'peer':<48} {'k':>5} {'pat':>5} {'ARI':>6} {'NMI':>6} {'V':>6} {'hom':>6} {'com':>6} {'uncl':>6} {'s':>7}\n"
    )
    for row in result["peers"]:
        if "error" in row:
            out.write(f"{row['name']:<48} error: {row['error']}\n")
            continue
        out.write(
            f"{row['name']:<48} {row['k']:>5} {row['patterns']:>5} {row['ari']:>6.3f} {row['nmi']:>6.3f} "
            f"{row['vMeasure']:>6.3f} {row['homogeneity']:>6.3f} {row['completeness']:>6.3f} "
            f"{row['unclustered']:>6.1%} {row['seconds']:>7.2f}\n"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vectors", required=True, help="our vector file (.bin)")
    parser.add_argument(
        "--items", required=True, help="JSON array of {label, text}, same order as the vectors"
    )
    parser.add_argument("--seed", type=int, default=42, help="random_state for KMeans and UMAP (default 42)")
    parser.add_argument("--json", action="store_true", help="print only the JSON (no table on stderr)")
    args = parser.parse_args()

    header, vectors = read_vector_file(args.vectors)
    with open(args.items, encoding="utf-8") as f:
        items = json.load(f)
    n = vectors.shape[0]
    if len(items) != n:
        raise SystemExit(f"cluster_peers: {len(items)} items but {n} vectors")
    labels = [item.get("label") for item in items]
    texts = [item.get("text") or "" for item in items]
    classes = len({label for label in labels if label is not None})
    cells = n * vectors.shape[1]
    sparse = scipy.sparse.issparse(vectors) or (
        cells > 0 and np.count_nonzero(vectors) / cells < SPARSE_BELOW
    )

    # Libraries may print (numba, tqdm, warnings): keep stdout for the JSON alone.
    with contextlib.redirect_stdout(sys.stderr):
        warm_up_umap(args.seed, n)
        bertopic_version = (
            f"{bertopic.__version__} (umap-learn {umap.__version__}, hdbscan {_version('hdbscan')})"
        )
        peers = [
            peer_row(
                "scikit-learn KMeans (k = classes)",
                sklearn.__version__,
                f"KMeans(n_clusters={classes}, n_init=10, random_state={args.seed})"
                + (", sparse input" if sparse else ""),
                lambda: run_kmeans(vectors, classes, args.seed, sparse),
                labels,
            ),
            peer_row(
                "BERTopic (same vectors)",
                bertopic_version,
                f"defaults: min_topic_size=10, UMAP(n_neighbors=15, n_components=5, random_state={args.seed})",
                lambda: run_bertopic(texts, vectors, args.seed, min_topic_size=10),
                labels,
            ),
            # The default min_topic_size=10 cannot form a topic from a class of 2-4 prompts, the size of
            # most classes in our labelled sets, so the default row mostly measures that floor. This row
            # gives BERTopic the smallest cluster size HDBSCAN allows, its fairest setting for such sets.
            peer_row(
                "BERTopic (same vectors, min_topic_size = 2)",
                bertopic_version,
                f"min_topic_size=2, UMAP(n_neighbors=15, n_components=5, random_state={args.seed})",
                lambda: run_bertopic(texts, vectors, args.seed, min_topic_size=2),
                labels,
            ),
        ]

    result = {
        "items": len(items),
        "classes": classes,
        "noise": sum(1 for label in labels if label is None),
        "model": header.get("model"),
        "dim": int(header["dim"]),
        "seed": args.seed,
        "peers": peers,
    }
    if not args.json:
        print_table(result)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
