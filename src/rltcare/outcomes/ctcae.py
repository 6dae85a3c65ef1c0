"""CTCAE grading of laboratory adverse events from raw values and the lab's reference range.

Thresholds live in ``data/ctcae_lab_grading.toml``: one entry per term with its v5.0
criteria and what v6.0 changes, each with its source. Every term of every version carries
``verified``; a term not checked against the published document (v6.0: lymphocyte count
decreased and eGFR decreased) is graded with the v5.0 thresholds, ``verified = False`` and
a warning naming it in every result.

Two rule shapes cover the haematological, renal and hepatic terms:

- ``low``: grade g when value < bound_g; a bound ``"LLN"`` is the lab's lower limit
  (e.g. platelets v5.0: <LLN, <75, <50, <25 × 10⁹/L; neutrophils v6.0: <1.5, <1.0, <0.5, <0.1);
- ``high``: grade g when value > multiple_g × ULN; multiples of the patient's *baseline*
  replace or join the ULN ones by the term's ``baseline_rule`` (see the data file).

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
    verified: bool = True
    source: str = ""


@dataclass(frozen=True)
class Version:
    version: str
    source: str
    terms: dict[str, Term]

    @property
    def verified(self) -> bool:
        """True when every term of this version was checked against the published document."""
        return all(t.verified for t in self.terms.values())

    @property
    def unverified(self) -> list[str]:
        return sorted(k for k, t in self.terms.items() if not t.verified)

    def warning(self, keys=None) -> str | None:
        """The warning for results that used unverified terms (``keys``: the terms used)."""
        bad = [k for k in self.unverified if keys is None or k in keys]
        if not bad:
            return None
        return (
            f"CTCAE v{self.version}: thresholds of {', '.join(bad)} NOT verified against the "
            "published document (v5.0 values carried over)"
        )


def _term(entry: dict, version_source: str) -> Term:
    t = {k: v for k, v in entry.items() if not isinstance(v, dict)}
    t["convert"] = tuple(entry.get("convert", {}).items())
    for k in ("bounds", "uln_multiples", "baseline_multiples"):
        t[k] = tuple(t.get(k, ()))
    t.setdefault("source", version_source)
    return Term(**t)


@lru_cache(maxsize=1)
def versions() -> dict[str, Version]:
    """The packaged CTCAE versions, keyed ``"5.0"``, ``"6.0"``."""
    text = resources.files("rltcare.outcomes").joinpath("data/ctcae_lab_grading.toml").read_bytes()
    data = tomllib.loads(text.decode())
    out = {}
    for name, meta in data["versions"].items():
        override = meta.get("override")
        terms = {}
        for entry in data["term"]:
            changed = entry.get(override, {}) if override else {}
            if override and override not in entry:
                changed = {"verified": False, "source": f"no v{name} entry for this term"}
            terms[entry["key"]] = _term(entry | changed, meta["source"])
        out[name] = Version(name, meta["source"], terms)
    return out


def version(name: str) -> Version:
    known = versions()
    if name not in known:
        raise UnknownNameError("CTCAE version", name, known, field="version")
    return known[name]


def _low(term: Term, v: np.ndarray, lln: np.ndarray) -> np.ndarray:
    g = np.zeros_like(v)
    for k, bound in enumerate(term.bounds, start=1):
        if bound == "LLN":
            g = np.where(v < lln, float(k), g)
            # grade 0 vs k needs the LLN unless a lower fixed bound already decides
            fixed = [b for b in term.bounds[k:] if not math.isnan(b)]
            g[np.isnan(lln) & ~(v < (fixed[0] if fixed else -np.inf))] = np.nan
        elif not math.isnan(bound):
            g = np.where(v < bound, float(k), g)
    return g


def _grades_above(v: np.ndarray, ref: np.ndarray, multiples, first_inclusive=False) -> np.ndarray:
    g = np.zeros_like(v)
    for k, m in enumerate(multiples, start=1):
        if not math.isnan(m):
            hit = v >= m * ref if (k == 1 and first_inclusive) else v > m * ref
            g = np.where(hit, float(k), g)
    return g


def _high(
    term: Term, v: np.ndarray, uln: np.ndarray, base: np.ndarray, lln: np.ndarray
) -> np.ndarray:
    g = _grades_above(v, uln, term.uln_multiples)
    rule = term.baseline_rule
    if rule:
        has_base = ~np.isnan(base)
        by_base = _grades_above(
            v,
            np.where(has_base, base, np.inf),
            term.baseline_multiples,
            term.baseline_grade1_inclusive,
        )
        # grades without a baseline multiple keep their ULN multiple
        uln_only = tuple(
            u if math.isnan(b) else math.nan
            for u, b in zip(term.uln_multiples, term.baseline_multiples, strict=True)
        )
        mixed = np.maximum(by_base, _grades_above(v, uln, uln_only))
        if rule == "if_abnormal":
            g = np.where(has_base & (base > uln), mixed, g)
        elif rule == "if_below_lln":  # unknown LLN: the baseline is taken as not below it
            g = np.where(has_base & (base < lln), mixed, g)
        elif rule == "always":
            g = np.maximum(g, by_base)
        elif rule == "both":
            g = np.where(has_base, np.minimum(g, by_base), np.nan)
    g[np.isnan(uln)] = np.nan
    return g


def grade_frame(labs: pd.DataFrame, *, ctcae_version: str = "5.0") -> pd.DataFrame:
    """Grade every row of ``labs``.

    Columns: ``patient_id``, ``date``, ``term`` (a key such as ``platelet_count_decreased``),
    ``value``; optional ``unit`` (for absolute thresholds; default the term's unit), ``lln``,
    ``uln`` (same unit as the value) and ``baseline`` (the patient's pre-treatment value).
    Returns a copy with ``grade`` (nullable integer: missing when the needed reference limit
    is missing), ``ctcae_version``, ``verified`` (per row: the term's thresholds were checked
    against the published version) and ``warning`` (why not, else empty).
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
    verified = np.ones(len(out), dtype=bool)
    warning = np.full(len(out), "", dtype=object)
    terms = out["term"].astype(str).to_numpy()
    for key in np.unique(terms):
        if key not in ver.terms:
            raise UnknownNameError("CTCAE term", key, ver.terms, field="term")
        term = ver.terms[key]
        rows = np.flatnonzero(terms == key)
        verified[rows] = term.verified
        warning[rows] = ver.warning([key]) or ""
        v = out["value"].to_numpy(dtype=float)[rows]
        lln = out["lln"].to_numpy(dtype=float)[rows]
        if term.direction == "low":
            factor = _unit_factor(term, out, rows)
            grades[rows] = _low(term, v * factor, lln * factor)
        else:
            grades[rows] = _high(
                term,
                v,
                out["uln"].to_numpy(dtype=float)[rows],
                out["baseline"].to_numpy(dtype=float)[rows],
                lln,
            )
    out["grade"] = pd.array(np.where(np.isnan(grades), None, grades), dtype="Int64")
    out["ctcae_version"] = ctcae_version
    out["verified"] = verified
    out["warning"] = warning
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


def _listed(bounds) -> str:
    """Grade 1-4 thresholds as text, "—" where the grade has none."""
    return ", ".join(
        b if isinstance(b, str) else "—" if math.isnan(b) else f"{b:g}" for b in bounds
    )


class LabGrade(Result):
    term: str
    name: str
    ctcae_version: str
    verified: bool
    warning: str | None = None
    source: str
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
    ver = version(ctcae_version)
    t = ver.terms[term]
    if t.direction == "low":
        rule = f"grade 1-4 when value < {_listed(t.bounds)} {t.unit}"
    else:
        rule = f"grade 1-4 when value > {_listed(t.uln_multiples)} × ULN"
        if t.baseline_rule:
            rule += f"; × baseline {_listed(t.baseline_multiples)} ({t.baseline_rule})"
    return LabGrade(
        term=term,
        name=t.name,
        ctcae_version=ctcae_version,
        verified=t.verified,
        warning=ver.warning([term]),
        source=t.source,
        value=value,
        grade=None if pd.isna(g) else int(g),
        rule=rule,
    )
