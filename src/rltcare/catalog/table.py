"""Numeric reference tables (e.g. NIST air μen/ρ) read from sourced CSV files."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Table:
    """Columns of floats, with the file's metadata (source, units, licence)."""

    name: str
    columns: dict[str, np.ndarray]
    meta: dict[str, str] = field(default_factory=dict)
    file: str = ""

    def __getitem__(self, column: str) -> np.ndarray:
        return self.columns[column]

    @property
    def source(self) -> str:
        return self.meta.get("source", "")

    def interpolate_loglog(self, x_column: str, y_column: str, x: np.ndarray | float) -> np.ndarray:
        """Log-log interpolation, as NIST recommends for attenuation coefficients."""
        xs, ys = self.columns[x_column], self.columns[y_column]
        return np.exp(np.interp(np.log(np.asarray(x, dtype=float)), np.log(xs), np.log(ys)))
