"""CTCAE grading of laboratory adverse events from raw values and the lab's reference range.

Thresholds live in ``data/ctcae_lab_grading.toml`` (one entry per term, with the version
and its source); CTCAE v5.0 is verified, v6.0 is carried over from v5.0 and flagged
``verified = False`` in every result until checked against the published document.

Two rule shapes cover the haematological, renal and hepatic terms:

- ``low``: grade g when value < bound_g; grade 1's bound is the lab's LLN
  (e.g. platelets: <LLN, <75, <50, <25 × 10⁹/L);
- ``high``: grade g when value > multiple_g × ULN; for transaminases, ALP, GGT and
  bilirubin, multiples of the patient's *baseline* replace the ULN when the baseline was
  abnormal; for creatinine, baseline multiples apply as well (the higher grade wins).

:func:`grade_frame` grades a whole table at once (vectorised); :func:`grade` one value.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from rltcare.errors import InputError, UnknownNameError
from rltcare.result import Result

COLUMNS = ("patient_id", "date", "term", "value")
OPTIONAL = ("unit", "lln", "uln", "baseline")


@dataclass(frozen=True)
class Term:
    key: str
    name: str
    group: str
    direction: str
    unit: str = ""
    convert: tuple[tuple[str, float], ...] = ()
    bounds: tuple[Any, ...] = ()
    uln_multiples: tuple[float, ...] = ()
    baseline_multiples: tuple[float, ...] = ()
    baseline_rule: str = ""
    baseline_grade1_inclusive: bool = False


@dataclass(frozen=True)
class Version:
    version: str
    verified: bool
    source: str
    terms: dict[str, Term]


@lru_cache(maxsize=1)
def versions() -> dict[str, Version]:
    """The packaged CTCAE versions, keyed ``"5.0"``, ``"6.0"``."""
    text = resources.files("rltcare.outcomes").joinpath("data/ctcae_lab_grading.toml").read_bytes()
    data = tomllib.loads(text.decode())
    terms = {}
    for t in data["term"]:
        t = dict(t)
        t["convert"] = tuple(t.get("convert", {}).items())
        for k in ("bounds", "uln_multiples", "baseline_multiples"):
            t[k] = tuple(t.get(k, ()))
        terms[t["key"]] = Term(**t)
    out = {}
    for name, meta in data["versions"].items():
        out[name] = Version(name, bool(meta["verified"]), meta["source"], terms)
    return out


def version(name: str) -> Version:
    known = versions()
    if name not in known:
        raise UnknownNameError("CTCAE version", name, known, field="version")
    return known[name]


def _low(term: Term, v: np.ndarray, lln: np.ndarray) -> np.ndarray:
    g = np.where(v < lln, 1.0, 0.0)
    g[np.isnan(lln) & ~(v < float(term.bounds[1]))] = np.nan  # grade 0 vs 1 needs the LLN
    for k, bound in enumerate(term.bounds[1:], start=2):
        if not math.isnan(bound):
            g = np.where(v < bound, k, g)
    return g


def _grades_above(v: np.ndarray, ref: np.ndarray, multiples, first_inclusive=False) -> np.ndarray:
    g = np.zeros_like(v)
    for k, m in enumerate(multiples, start=1):
        if not math.isnan(m):
            hit = v >= m * ref if (k == 1 and first_inclusive) else v > m * ref
            g = np.where(hit, float(k), g)
    return g


def _high(term: Term, v: np.ndarray, uln: np.ndarray, base: np.ndarray) -> np.ndarray:
    g = _grades_above(v, uln, term.uln_multiples)
    has_base = ~np.isnan(base)
    by_base = _grades_above(
        v, np.where(has_base, base, np.inf), term.baseline_multiples, term.baseline_grade1_inclusive
    )
    if term.baseline_rule == "if_abnormal":
        g = np.where(has_base & (base > uln), by_base, g)
    elif term.baseline_rule == "always":
        g = np.maximum(g, by_base)
    g[np.isnan(uln)] = np.nan
    return g


def grade_frame(labs: pd.DataFrame, *, ctcae_version: str = "5.0") -> pd.DataFrame:
    """Grade every row of ``labs``.

    Columns: ``patient_id``, ``date``, ``term`` (a key such as ``platelet_count_decreased``),
    ``value``; optional ``unit`` (for absolute thresholds; default the term's unit), ``lln``,
    ``uln`` (same unit as the value) and ``baseline`` (the patient's pre-treatment value).
    Returns a copy with ``grade`` (nullable integer: missing when the needed reference limit
    is missing), ``ctcae_version`` and ``verified``.
    """
    missing = [c for c in COLUMNS if c not in labs.columns]
    if missing:
        raise InputError(
            f"lab table lacks column(s) {missing}",
            field=missing[0],
            hint=f"columns: {', '.join(COLUMNS + OPTIONAL)}",
        )
    ver = version(ctcae_version)
    out = labs.copy()
    for c in ("lln", "uln", "baseline"):
        if c not in out:
            out[c] = np.nan
    grades = np.full(len(out), np.nan)
    terms = out["term"].astype(str).to_numpy()
    for key in np.unique(terms):
        if key not in ver.terms:
            raise UnknownNameError("CTCAE term", key, ver.terms, field="term")
        term = ver.terms[key]
        rows = np.flatnonzero(terms == key)
        v = out["value"].to_numpy(dtype=float)[rows]
        if term.direction == "low":
            v = v * _unit_factor(term, out, rows)
            lln = out["lln"].to_numpy(dtype=float)[rows] * _unit_factor(term, out, rows)
            grades[rows] = _low(term, v, lln)
        else:
            grades[rows] = _high(
                term,
                v,
                out["uln"].to_numpy(dtype=float)[rows],
                out["baseline"].to_numpy(dtype=float)[rows],
            )
    out["grade"] = pd.array(np.where(np.isnan(grades), None, grades), dtype="Int64")
    out["ctcae_version"] = ctcae_version
    out["verified"] = ver.verified
    return out


def _unit_factor(term: Term, frame: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    if "unit" not in frame:
        return np.ones(len(rows))
    factors = dict(term.convert) | {term.unit: 1.0}
    units = frame["unit"].to_numpy(dtype=object)[rows]
    out = np.empty(len(rows))
    for i, u in enumerate(units):
        u = term.unit if u is None or (isinstance(u, float) and math.isnan(u)) or u == "" else u
        if u not in factors:
            raise InputError(
                f"unit '{u}' not known for {term.name}",
                field="unit",
                row=int(rows[i]) + 1,
                value=u,
                hint=f"use one of {', '.join(sorted(factors))}",
            )
        out[i] = factors[u]
    return out


class LabGrade(Result):
    term: str
    name: str
    ctcae_version: str
    verified: bool
    value: float
    grade: int | None
    rule: str


def grade(
    term: str,
    value: float,
    *,
    unit: str | None = None,
    lln: float | None = None,
    uln: float | None = None,
    baseline: float | None = None,
    ctcae_version: str = "5.0",
) -> LabGrade:
    """Grade one value (see :func:`grade_frame`), with the rule in words."""
    row = pd.DataFrame(
        [
            {
                "patient_id": "",
                "date": None,
                "term": term,
                "value": value,
                "unit": unit or "",
                "lln": lln,
                "uln": uln,
                "baseline": baseline,
            }
        ]
    )
    g = grade_frame(row, ctcae_version=ctcae_version)["grade"].iloc[0]
    t = version(ctcae_version).terms[term]
    if t.direction == "low":
        rule = (
            f"grade g when value < bound: LLN, {', '.join(f'{b:g}' for b in t.bounds[1:])} {t.unit}"
        )
    else:
        rule = f"grade g when value > {', '.join(f'{m:g}' for m in t.uln_multiples)} × ULN"
        if t.baseline_rule:
            rule += f"; baseline multiples {t.baseline_multiples} ({t.baseline_rule})"
    return LabGrade(
        term=term,
        name=t.name,
        ctcae_version=ctcae_version,
        verified=version(ctcae_version).verified,
        value=value,
        grade=None if pd.isna(g) else int(g),
        rule=rule,
    )
