"""``Shop``: what one command works on — the open store, the settings and the providers (DESIGN.md §13).

Tools take a ``Shop`` instead of a path, so a command opens the store once and parses the config once,
however many tools it runs. Everything that talks to the outside world (the embedding model, a
text-writing model, the segment namer, the clock, where notices go) sits in :class:`Providers` with a
sensible default; tests put fakes in through the same door, like ``llm``'s mock model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.runtime.settings import Settings
from tools.store.store import Store, StoreSettings, store_exists

if TYPE_CHECKING:
    import duckdb

    from tools.campaigns.copywriter import TextWriter
    from tools.segments.embeddings import Encoder
    from tools.segments.naming import SegmentNamer
    from tools.segments.settings import SegmentSettings


@dataclass
class Providers:
    """Injected collaborators. ``None`` means the default: the bundled sentence-transformers model, no
    text-writing model (the template copywriter), the rule-based namer."""

    encoder: Encoder | None = None
    writer: TextWriter | None = None
    namer: SegmentNamer | None = None
    clock: Callable[[], datetime] = datetime.now
    notice: Callable[[str], None] = field(default=lambda _message: None)


class Shop:
    """One workspace as a command sees it. Cheap to build: the store opens on first use."""

    def __init__(self, root: Path, settings: Settings | None = None, providers: Providers | None = None, *,
                 create: bool = False, command: str = "") -> None:
        self.root = root
        self.settings = settings or Settings.load(root)
        self.providers = providers or Providers()
        self._create = create
        self._command = command
        self._store: Store | None = None
        self._encoders: dict[str, Encoder] = {}

    @property
    def store(self) -> Store:
        if self._store is None:
            values = self.settings.section("store", asdict(StoreSettings()))
            self._store = Store(self.root, StoreSettings(**values), create=self._create,
                                notice=self.providers.notice, command=self._command)
        return self._store

    def exists(self) -> bool:
        """Whether the workspace holds a store yet (before the first ingest it does not)."""
        return store_exists(self.root)

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read on one consistent snapshot (see :meth:`Store.reading`)."""
        with self.store.reading() as con:
            yield con

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One atomic write (see :meth:`Store.writing`)."""
        with self.store.writing() as con:
            yield con

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def encoder(self, settings: SegmentSettings) -> Encoder:
        """The injected encoder, else the configured sentence-transformers model (loaded once per shop)."""
        if self.providers.encoder is not None:
            return self.providers.encoder
        from tools.segments.embeddings import make_encoder

        key = f"{settings.model}|{settings.backend}|{settings.batch_size}|{settings.max_seq_length}"
        if key not in self._encoders:
            self._encoders[key] = make_encoder(settings.model, settings.backend, settings.batch_size,
                                               settings.max_seq_length, self.providers.notice)
        return self._encoders[key]

    def now(self) -> datetime:
        return self.providers.clock()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def __enter__(self) -> Shop:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
