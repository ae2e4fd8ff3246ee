"""The DuckDB extensions the store needs, loaded from their PyPI packages: never downloaded at run time.

DuckLake (the lakehouse format) and the SQLite scanner (its catalog database) ship as the PyPI packages
``duckdb-extension-ducklake`` and ``duckdb-extension-sqlite``, built for one exact DuckDB version. DuckDB
derives an extension's entry point from its file name, and the SQLite scanner's real name is
``sqlite_scanner`` while the package calls its file ``sqlite.duckdb_extension``, so that file is linked (or
copied) once under its real name into a per-user cache folder.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from tools.errors import UserError

if TYPE_CHECKING:
    import duckdb

PACKAGES = {"ducklake": ("duckdb_extension_ducklake", "ducklake"), "sqlite_scanner": ("duckdb_extension_sqlite",
                                                                                      "sqlite")}


def load_store_extensions(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD ducklake and sqlite_scanner into ``con`` from the installed packages."""
    for name in PACKAGES:
        con.execute(f"LOAD '{_extension_path(name)}'")


@cache
def _extension_path(name: str) -> str:
    import duckdb

    version = duckdb.__version__
    module, file_stem = PACKAGES[name]
    spec = importlib.util.find_spec(module)
    locations = list(spec.submodule_search_locations or []) if spec else []
    shipped = next((Path(p) / "extensions" / f"v{version}" / f"{file_stem}.duckdb_extension" for p in locations
                    if (Path(p) / "extensions" / f"v{version}" / f"{file_stem}.duckdb_extension").is_file()), None)
    if shipped is None:
        package = module.replace("_", "-")
        raise UserError(f"The workspace store needs the DuckDB extension package {package}=={version} (for DuckDB "
                        f"{version}); run  pip install '{package}=={version}'.")
    if file_stem == name:
        return str(shipped)
    return str(_under_real_name(shipped, name, version))


def _under_real_name(shipped: Path, name: str, version: str) -> Path:
    """``shipped`` reachable as ``<cache>/duckdb-<version>/<name>.duckdb_extension`` (a link, else a copy)."""
    # The user cache first; a full or read-only home falls back to the temp folder, then to memory (/dev/shm).
    for base in (_user_cache(), Path(tempfile.gettempdir()) / f"segment-agent-{os.getuid()}",
                 Path("/dev/shm") / f"segment-agent-{os.getuid()}"):
        target = base / f"duckdb-{version}" / f"{name}.duckdb_extension"
        if target.is_file() and target.stat().st_size == shipped.stat().st_size:
            return target
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.{os.getpid()}")
            partial.unlink(missing_ok=True)
            try:
                partial.symlink_to(shipped)
            except OSError:
                shutil.copyfile(shipped, partial)
            partial.replace(target)
            return target
        except OSError:
            continue
    raise UserError(f"Cannot prepare the DuckDB {name} extension: no writable cache folder (tried "
                    f"{_user_cache()}, the temp folder and /dev/shm: full or read-only); set XDG_CACHE_HOME to a "
                    "writable folder.")


def _user_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "segment-agent"
