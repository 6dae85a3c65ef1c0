"""Regenerate ``src/rltcare/catalog/data/photon_lines.csv`` from the ICRP 107 emission tables.

The tables are read from the ``icrp107-database`` PyPI package (OpenGATE collaboration),
which holds ICRP Publication 107 (2008) as one JSON file per nuclide. It is a BUILD-TIME
tool, not a runtime dependency of rltcare: install it only to rebuild the CSV::

    .venv/bin/pip install icrp107-database
    .venv/bin/python scripts/build_photon_lines.py            # rewrite the CSV
    .venv/bin/python scripts/build_photon_lines.py --check    # exit 1 if it would change

Rules (docs/data-sources.md, "Photon emissions"): every nuclide of
``catalog/data/nuclides.toml``, in file order; ``gamma`` and ``annihilation`` lines of
at least 15 keV and 0.1 % per decay; ``X`` components from 14.5 keV up, sorted by energy
and grouped while each is within 0.4 keV of the previous one, a group counted at its
yield-weighted energy with the summed yield and kept on the same two thresholds (the
14.5 keV lower bound lets a group that straddles 15 keV keep its lowest components; it
is the bound that reproduces the file as first extracted). ICRP 107 lists Y-89m's
909 keV (15.7 s) under Zr-89 itself, so nothing is added by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "rltcare" / "catalog" / "data"
MIN_KEV = 15.0
MIN_YIELD = 1e-3
XRAY_GAP_KEV = 0.4
XRAY_FLOOR_KEV = 14.5

HEADER = """\
# kind: photon_lines
# title: Photon emissions (gamma, X-ray, annihilation) per decay of the catalog's nuclides
# source: ICRP Publication 107 (2008), Nuclear Decay Data for Dosimetric Calculations, Ann. ICRP 38(3) (evaluated from ENSDF), read from the icrp107-database {version} package (OpenGATE collaboration); every row names its source
# units: energy_kev keV; yield_per_decay photons per decay of the nuclide named in the row
# licence: facts (numerical values) from cited evaluations
# retrieved: {retrieved}
# notes: lines of 15 keV or more and at least 0.1 % per decay; X-ray components within 0.4 keV summed (yield-weighted energy); Y-89m (15.7 s) 909 keV counted under Zr-89 as ICRP 107 does; Y-90 has no line above 0.1 % (its patients' dose rate is bremsstrahlung: use a measured specific dose rate); progeny lines are listed under the progeny
nuclide,energy_kev,yield_per_decay,kind,source
"""


def _emissions(table_dir: Path, nuclide: str) -> dict[str, list[list[float]]]:
    # The package stores each file as a JSON string holding the JSON document.
    with open(table_dir / f"{nuclide}.json", "rb") as f:
        return json.loads(json.load(f))["emissions"]


def _group_xrays(components: list[list[float]]) -> list[tuple[float, float]]:
    """(energy keV, yield) of X-ray groups: components ≥ 14.5 keV chained while gaps ≤ 0.4 keV."""
    groups: list[list[tuple[float, float]]] = []
    for energy_mev, yld in sorted(components):
        kev = energy_mev * 1e3
        if kev < XRAY_FLOOR_KEV:
            continue
        if groups and kev - groups[-1][-1][0] <= XRAY_GAP_KEV:
            groups[-1].append((kev, yld))
        else:
            groups.append([(kev, yld)])
    out = []
    for group in groups:
        total = sum(y for _, y in group)
        out.append((sum(e * y for e, y in group) / total, total))
    return out


def rows(table_dir: Path, nuclides: list[str]) -> list[str]:
    """CSV rows (without header) for ``nuclides``, in order: gamma, xray, annihilation."""
    lines = []
    for name in nuclides:
        emissions = _emissions(table_dir, name)
        kinds = {
            "gamma": [(e * 1e3, y) for e, y in emissions.get("gamma", [])],
            "xray": _group_xrays(emissions.get("X", [])),
            "annihilation": [(e * 1e3, y) for e, y in emissions.get("annihilation", [])],
        }
        source = f"ICRP Publication 107 (2008) {name} (ENSDF-based)"
        for kind, pairs in kinds.items():
            for kev, yld in pairs:
                if kev >= MIN_KEV and yld >= MIN_YIELD:
                    lines.append(f"{name},{kev:.4f},{yld:.5g},{kind},{source}\n")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a change")
    parser.add_argument("--output", type=Path, default=DATA / "photon_lines.csv")
    args = parser.parse_args(argv)
    try:
        import icrp107_database
    except ImportError:
        print(
            "build_photon_lines: the 'icrp107-database' package is not installed; it is a "
            "build-time tool only:\n    .venv/bin/pip install icrp107-database",
            file=sys.stderr,
        )
        return 2
    table_dir = Path(icrp107_database.__file__).parent / "icrp107"
    with open(DATA / "nuclides.toml", "rb") as f:
        nuclides = [n["name"] for n in tomllib.load(f)["nuclide"]]
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    # Keep the retrieval date of the committed file unless the content changes.
    retrieved = next(
        (
            line.split(":", 1)[1].strip()
            for line in current.splitlines()
            if line.startswith("# retrieved:")
        ),
        "unknown",
    )
    header = HEADER.format(version=metadata.version("icrp107-database"), retrieved=retrieved)
    text = header + "".join(rows(table_dir, nuclides))
    if text == current:
        print(f"{args.output.name}: up to date ({text.count(chr(10)) - 8} lines)")
        return 0
    if args.check:
        print(f"{args.output.name}: would change", file=sys.stderr)
        return 1
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output.name}: rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
