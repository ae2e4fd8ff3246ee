"""Locate the bundled sample shop, from a clone or from an installed wheel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from tools.errors import UserError

SAMPLE_FILES = {"orders": "orders.csv", "customers": "customers.csv", "texts": "texts.csv"}


def sample_shop_dir() -> Path:
    """Directory holding the sample shop's CSV files (shipped as package data of ``data``)."""
    directory = Path(str(resources.files("data") / "sample"))
    missing = [name for name in SAMPLE_FILES.values() if not (directory / name).is_file()]
    if missing:
        raise UserError(
            f"The bundled sample shop is incomplete ({', '.join(missing)} missing in {directory}); "
            "regenerate it with  python -m data.generate."
        )
    return directory


def sample_files() -> dict[str, Path]:
    """Table name -> path of its sample CSV file."""
    directory = sample_shop_dir()
    return {table: directory / name for table, name in SAMPLE_FILES.items()}
