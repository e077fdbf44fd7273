"""The trained FAQ model on disk, keyed by a hash of what it was trained from and of the code that trains it.

A start with unchanged content and code loads the model in a fraction of a second; any change to the
phrasings, lexicon, out-of-scope corpus or the model code gives a new key and a rebuild. The file is
plain arrays (`numpy.savez`, loaded with `allow_pickle=False`): loading it can never run code, and
only files with Kawan's own key and layout are accepted; anything else is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
import zipfile
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from bot.faq.analysis import Analyzer
from bot.faq.content import Content
from bot.faq.decision import Calibration
from bot.faq.features import FeatureSpace
from bot.faq.model import LinearModel
from bot.faq.training import TrainedModel, build_model

log = logging.getLogger(__name__)
FORMAT = 1
# The modules whose code shapes the trained model: editing any of them invalidates every cache.
_CODE = ("analysis.py", "calibration.py", "decision.py", "features.py", "model.py", "normalize.py", "training.py")
_PREFIX = "faq-model-"


class CacheError(Exception):
    """A cache file that cannot be used (missing, corrupt, or not Kawan's)."""


def cache_key(content: Content) -> str:
    """A hash of everything the model is trained from, plus the training code and library versions."""
    digest = hashlib.sha256()
    versions = f"format {FORMAT}; scikit-learn {version('scikit-learn')}; numpy {np.__version__}\n"
    digest.update(versions.encode())  # importing scikit-learn costs a second at start; its version does not
    here = Path(__file__).resolve().parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    material = {
        "entries": [[e.id, e.question, list(e.alternates), list(e.keywords)] for e in content.entries],
        "slang": sorted(content.slang.items()),
        "synonyms": sorted(content.synonyms.items()),
        "smalltalk": sorted((k, list(v)) for k, v in content.smalltalk.items()),
        "out_of_scope": list(content.out_of_scope),
    }
    digest.update(json.dumps(material, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()[:32]


Progress = Callable[[float | None], None]  # called with None when training starts, then with its seconds


def load_or_build(content: Content, cache_dir: Path | None, progress: Progress | None = None) -> TrainedModel:
    """The cached model for this content and code, or a freshly trained one (saved for the next start)."""
    analyzer = Analyzer(content)
    if cache_dir is None:
        return build_model(content, analyzer)
    key = cache_key(content)
    path = cache_dir / f"{_PREFIX}{key}.npz"
    if path.is_file():
        try:
            return load(path, key)
        except CacheError as exc:
            log.warning("the cached FAQ model %s is unusable (%s); rebuilding it", path.name, exc)
    if progress is not None:
        progress(None)
    started = time.perf_counter()
    model = build_model(content, analyzer)
    if progress is not None:
        progress(time.perf_counter() - started)
    try:
        save(path, model, key)
        _remove_others(cache_dir, keep=path)
    except OSError as exc:
        log.warning("could not save the FAQ model to %s (%s); it will be trained again next start", cache_dir, exc)
    return model


def save(path: Path, model: TrainedModel, key: str) -> None:
    """Write atomically: a reader sees the old file or the whole new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    vocabularies = model.features.vocabularies()
    cal = model.calibration
    arrays: dict[str, np.ndarray] = {
        "key": np.array(key),
        "format": np.array(FORMAT),
        "classes": np.array(model.linear.classes),
        "bias": model.linear.bias,
        "calibration": np.array([cal.temperature, cal.answer, cal.margin, cal.suggest], np.float64),
    }
    for i, (vocabulary, block) in enumerate(zip(vocabularies, model.features.blocks, strict=True)):
        arrays[f"vocabulary{i}"] = np.array(vocabulary, dtype=str)
        arrays[f"idf{i}"] = block.idf
    weights = model.linear.weights
    if sp.issparse(weights):
        csr = sp.csr_matrix(weights)
        arrays |= {"w_data": csr.data, "w_indices": csr.indices, "w_indptr": csr.indptr, "w_shape": np.array(csr.shape)}
    else:
        arrays["weights"] = np.asarray(weights)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path, key: str) -> TrainedModel:
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["key"]) != key or int(data["format"]) != FORMAT:
                raise CacheError("it was built from other content or code")
            classes = tuple(str(c) for c in data["classes"])
            features = FeatureSpace.restore(
                [[str(g) for g in data[f"vocabulary{i}"]] for i in range(2)], [data[f"idf{i}"] for i in range(2)]
            )
            if "weights" in data:
                weights: np.ndarray | sp.csr_matrix = np.ascontiguousarray(data["weights"], dtype=np.float32)
            else:
                shape = tuple(int(v) for v in data["w_shape"])
                weights = sp.csr_matrix((data["w_data"], data["w_indices"], data["w_indptr"]), shape=shape)
            bias = np.asarray(data["bias"], dtype=np.float32)
            temperature, answer, margin, suggest = (float(v) for v in data["calibration"])
    except CacheError:
        raise
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise CacheError(f"cannot be read: {exc.__class__.__name__}") from exc
    if weights.shape != (features.size, len(classes)) or bias.shape != (len(classes),):
        raise CacheError("its arrays do not fit together")
    linear = LinearModel(classes, weights, bias)
    return TrainedModel(features, linear, Calibration(temperature, answer, margin, suggest))


def _remove_others(cache_dir: Path, keep: Path) -> None:
    """Old models are of no use once the content or code changed; keep the folder small."""
    for other in cache_dir.glob(f"{_PREFIX}*.npz"):
        if other != keep:
            other.unlink(missing_ok=True)
