"""The fast embedding backend: the sentence-transformers model exported once to ONNX, run with ONNX Runtime.

Why (bench/embedding_throughput.py): plain ``SentenceTransformer.encode`` spends its time in torch's
per-op overhead and, on a busy 2-core machine, in OpenMP threads spin-waiting for a core; the same model in
ONNX Runtime on one thread per worker is faster at identical vectors, and with its weight matrices quantised
to int8 per output channel (activations stay dynamic, attention products stay fp32) faster again at a cosine
of ≥0.99 to the fp32 vectors (2,000 sample texts: mean 0.992, min 0.982 with transformers 5.25 and ONNX
Runtime 1.32; 0.993 / 0.985 with the releases of a month earlier). Keeping the feed-forward output
matrices in fp32 raised that to 0.997 / 0.992 but cost 45% more CPU, so every constant MatMul is quantised.

The export is built from the local model files (torch.onnx.export, offline), checked against
sentence-transformers on probe texts, and cached per user (``$XDG_CACHE_HOME/segment-agent/onnx``) keyed by a
fingerprint of the model files, so it is built once per machine and model — never downloaded. Both cores are
used by running batches on a small thread pool, each ``session.run`` on one thread with spinning off, so the
workers never oversubscribe the machine.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tools.errors import NotInstalled, UserError

EXPORT_VERSION = 1  # bump when the export recipe changes: old exports are then rebuilt, never reused
QUANTISED = "onnx-int8"
FP32 = "onnx"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
PROBES = ("ok", "Great shoes, fast delivery.", "Trail running shoes that grip on muddy hills and last for years",
          "Sourdough starter kit (Kitchen)", "My dog pulls on the lead; this harness finally stopped it. " * 6,
          "WHITE HANGING HEART T-LIGHT HOLDER (Home)", "Where is my order? It was due on Tuesday and still nothing.",
          "Got the yoga mat for hot yoga. Grippy, thick enough for my knees, would buy again.",
          "The stroller folds with one hand but the basket is too small for the weekly shop.",
          "Is the GPS running watch any good for marathon training?")
MIN_FP32_COSINE = 0.9999  # an export that does not reproduce the model this closely is a bug: refuse it
# Build-time gate for the int8 model on the probes, which are harder than real texts (a one-word "ok" is the
# worst case at 0.966): it refuses a broken quantisation, not a small drift between library releases. The probe
# mean was 0.990 with one set of releases and 0.989 with the next while 2,000 real texts stayed at 0.992-0.993
# (bench/embedding_throughput.py measures the real-text cosine), so the gate sits at 0.98 mean and 0.95 min.
MEAN_INT8_COSINE = 0.98
MIN_INT8_COSINE = 0.95


@dataclass(frozen=True)
class Export:
    """Paths of one cached export and what the model expects."""

    folder: Path
    inputs: tuple[str, ...]
    dimension: int

    def model_file(self, backend: str) -> Path:
        return self.folder / ("model-int8.onnx" if backend == QUANTISED else "model.onnx")


class OnnxEncoder:
    """A sentence-transformers model run by ONNX Runtime (``backend`` 'onnx' = fp32, 'onnx-int8')."""

    def __init__(self, model: str, backend: str = QUANTISED, batch_size: int = 32, max_seq_length: int = 128,
                 workers: int = 0, notice: Callable[[str], None] | None = None) -> None:
        if backend not in (FP32, QUANTISED):
            raise ValueError(f"unknown ONNX backend {backend!r}")
        self.model = model
        self.backend = backend
        self.batch_size = batch_size
        self.max_seq_length = max_seq_length
        self.workers = workers or available_cores()
        self.name = f"{model}@{max_seq_length}+{backend}"
        self._notice = notice or (lambda _message: None)
        self._session: Any = None
        self._tokenizer: Any = None
        self._export: Export | None = None
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for ``texts``: tokenised once, sorted by length into tight batches, run on the pool."""
        session, tokenizer, export = self._load()
        if not texts:
            return np.zeros((0, export.dimension), dtype=np.float32)
        encodings = tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        batches = tight_batches(lengths, order, self.batch_size)
        vectors = np.empty((len(texts), export.dimension), dtype=np.float32)

        def run(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            width = int(lengths[batch].max())
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, index in enumerate(batch):
                ids[row, :lengths[index]] = encodings[index].ids
                mask[row, :lengths[index]] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            return batch, session.run(None, {name: feeds[name] for name in export.inputs})[0]

        with ThreadPoolExecutor(max(1, min(self.workers, len(batches)))) as pool:
            for batch, result in pool.map(run, batches):
                vectors[batch] = result
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def _load(self) -> tuple[Any, Any, Export]:
        with self._lock:
            if self._session is None:
                try:
                    import onnxruntime
                    from tokenizers import Tokenizer
                except ImportError as exc:
                    raise NotInstalled("onnxruntime", f"The '{self.backend}' embedding backend") from exc
                export = ensure_export(self.model, self.backend, self._notice)
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                options.log_severity_level = 3
                self._session = onnxruntime.InferenceSession(str(export.model_file(self.backend)), options,
                                                             providers=["CPUExecutionProvider"])
                tokenizer = Tokenizer.from_file(str(export.folder / "tokenizer.json"))
                tokenizer.no_padding()
                tokenizer.enable_truncation(self.max_seq_length)
                self._tokenizer, self._export = tokenizer, export
        assert self._export is not None
        return self._session, self._tokenizer, self._export


PAD_SLACK = 1.25  # a batch closes when the next text is this much longer than its first (plus PAD_TOKENS)
PAD_TOKENS = 8


def tight_batches(lengths: np.ndarray, order: np.ndarray, batch_size: int) -> list[np.ndarray]:
    """Length-sorted batches of at most ``batch_size`` texts that also close before padding would dominate.

    Why: a batch costs its width × its size, so a few edited texts of mixed length (a 1% re-run) padded to
    the longest one cost twice their real tokens; many texts sort into near-equal neighbours and fill whole
    batches as before. Smaller batches also let both workers run when there is little to do.
    """
    batches: list[np.ndarray] = []
    start = 0
    for position in range(1, len(order) + 1):
        full = position - start >= batch_size
        if position == len(order) or full or \
                lengths[order[position]] > PAD_SLACK * lengths[order[start]] + PAD_TOKENS:
            batches.append(order[start:position])
            start = position
    return batches


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def cache_root() -> Path:
    """Where exports live: the per-user cache (``$XDG_CACHE_HOME`` or ``~/.cache``)/segment-agent/onnx."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "segment-agent" / "onnx"


def fingerprint(model_path: Path) -> str:
    """A key for the model's files: names, sizes and the content of its small config files, so a changed or
    replaced model never reuses another's export."""
    digest = hashlib.blake2b(f"v{EXPORT_VERSION}".encode(), digest_size=10)
    for path in sorted(p for p in model_path.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(model_path)}:{path.stat().st_size}".encode())
        if path.suffix in {".json", ".txt"} and path.stat().st_size < 2_000_000:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_export(model: str, backend: str, notice: Callable[[str], None]) -> Export:
    """The cached export of ``model`` for ``backend``, built first if missing (under a lock, so two processes
    never build it twice or read half a file)."""
    from filelock import FileLock

    from tools.segments.model_files import resolve_model

    model_path = Path(resolve_model(model))
    if not model_path.is_dir():
        raise UserError(f"Embedding model '{model}' is not a local model folder; the ONNX backends export a local "
                        "sentence-transformers model, so pass its folder with --model PATH or set  backend = "
                        "\"torch\"  under [segments] in segment-agent.toml.")
    folder = _writable(cache_root()) / f"{model_path.name}-{fingerprint(model_path)}"
    with FileLock(str(folder) + ".lock"):
        manifest = folder / "manifest.json"
        if not manifest.is_file():
            notice("Preparing the fast embedding model (once per machine and model, about a minute)…")
            _build(model_path, folder)
        info = json.loads(manifest.read_text())
        export = Export(folder, tuple(info["inputs"]), int(info["dimension"]))
        if not export.model_file(backend).is_file():
            _quantise(export, model_path)
    return export


def _writable(root: Path) -> Path:
    for base in (root, Path(tempfile.gettempdir()) / f"segment-agent-{os.getuid()}" / "onnx"):
        try:
            base.mkdir(parents=True, exist_ok=True)
            if os.access(base, os.W_OK):
                return base
        except OSError:
            continue
    raise UserError(f"No writable cache folder for the ONNX embedding model (tried {root} and the temp folder); "
                    "set XDG_CACHE_HOME to a writable folder or  backend = \"torch\"  under [segments].")


def _build(model_path: Path, folder: Path) -> None:
    """Export the fp32 model and its tokenizer into ``folder`` (atomically: a half-built folder never counts)."""
    model = _sentence_transformer(model_path)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    features = model.tokenize(["probe"])
    inputs = tuple(name for name in INPUTS if name in features)
    _export_graph(model, inputs, staging / "model.onnx")
    tokenizer = model.tokenizer.backend_tokenizer
    tokenizer.no_padding()
    tokenizer.no_truncation()
    tokenizer.save(str(staging / "tokenizer.json"))
    reference = model.encode(list(PROBES), normalize_embeddings=True, convert_to_numpy=True)
    export = Export(staging, inputs, int(reference.shape[1]))
    agreement = _agreement(export, FP32, reference)
    if agreement < MIN_FP32_COSINE:
        raise UserError(f"The ONNX export of '{model_path.name}' does not reproduce the model (cosine "
                        f"{agreement:.4f}); set  backend = \"torch\"  under [segments] in segment-agent.toml.")
    (staging / "manifest.json").write_text(json.dumps({
        "inputs": list(inputs), "dimension": export.dimension, "export_version": EXPORT_VERSION,
        "source": str(model_path), "fp32_probe_cosine": round(agreement, 6)}, indent=2))
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    os.replace(staging, folder)


def _sentence_transformer(model_path: Path) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise NotInstalled("sentence-transformers", "Building the ONNX embedding model") from exc
    # Eager attention traces to plain MatMul/Softmax, which follows any padding mask at run time.
    return SentenceTransformer(str(model_path), device="cpu", model_kwargs={"attn_implementation": "eager"})


def _export_graph(model: Any, inputs: tuple[str, ...], target: Path) -> None:
    """Trace the whole sentence-transformers pipeline (transformer, pooling, normalisation) to ONNX."""
    import torch

    class Pipeline(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.model(dict(zip(inputs, tensors, strict=True)))["sentence_embedding"]

    sample = model.tokenize(list(PROBES[:3]))  # padded: the traced graph sees a real mask
    axes = {name: {0: "batch", 1: "tokens"} for name in inputs} | {"sentence_embedding": {0: "batch"}}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(Pipeline().eval(), tuple(sample[name] for name in inputs), str(target),
                          input_names=list(inputs), output_names=["sentence_embedding"], dynamic_axes=axes,
                          opset_version=17, dynamo=False)


def _quantise(export: Export, model_path: Path) -> None:
    """Weights of every MatMul with a constant matrix to int8, one scale per output channel; checked on probes."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = export.model_file(QUANTISED)
    staging = target.with_name(f".{target.name}.{os.getpid()}")
    with warnings.catch_warnings(), _quiet_root_logger():
        warnings.simplefilter("ignore")
        quantize_dynamic(str(export.model_file(FP32)), str(staging), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"],
                         extra_options={"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT})
    fp32 = _run(export, export.model_file(FP32))
    cosines = np.sum(_run(export, staging) * fp32, axis=1)
    if float(cosines.mean()) < MEAN_INT8_COSINE or float(cosines.min()) < MIN_INT8_COSINE:
        staging.unlink(missing_ok=True)
        raise UserError(f"The int8 model of '{model_path.name}' strays too far from fp32 (cosine mean "
                        f"{float(cosines.mean()):.3f}, min {float(cosines.min()):.3f}); "
                        "set  backend = \"onnx\"  under [segments] in segment-agent.toml.")
    os.replace(staging, target)


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """ONNX Runtime's quantiser logs advice ("consider to run pre-processing") on the root logger, which would
    reach the user's terminal as a bare WARNING line; it is advice for model authors, not for the user."""
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def _agreement(export: Export, backend: str, reference: np.ndarray) -> float:
    """Lowest cosine between the export's probe vectors and ``reference``."""
    return float(np.min(np.sum(_run(export, export.model_file(backend)) * reference, axis=1)))


def _run(export: Export, model_file: Path) -> np.ndarray:
    """Probe vectors from ``model_file`` in one padded batch (the run-time path batches the same way)."""
    import onnxruntime
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(export.folder / "tokenizer.json"))
    tokenizer.enable_padding()
    encodings = tokenizer.encode_batch(list(PROBES))
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
             "token_type_ids": np.zeros_like(ids)}
    session = onnxruntime.InferenceSession(str(model_file), providers=["CPUExecutionProvider"])
    vectors = session.run(None, {name: feeds[name] for name in export.inputs})[0]
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
