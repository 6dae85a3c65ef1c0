"""Build the packaged outcomes demo cohort (``src/rltcare/cohort/demo/outcomes/``) from a seed.

The patients are the synthetic registry cohort of :mod:`rltcare.registry.demo` (Lu-177-PSMA-617
outcomes after VISION, Lu-177-DOTATATE after NETTER-1; measurement series bounded as
:mod:`rltcare.registry.demo_series` says), imported into a throw-away SQLite registry and read
back through :class:`rltcare.cohort.registry_source.RegistryCohort`, the mapping a registry
user's cohort goes through. So every table holds every patient it applies to (PSA and PET:
the prostate patients, PET for those scanned; lesions, survival, follow-up and labs:
everyone), and follow-up runs to death or the data cut-off, beyond the tabulated days.

    PYTHONPATH=src python scripts/build_outcomes_demo.py           # rewrite the files
    PYTHONPATH=src python scripts/build_outcomes_demo.py --check   # exit 1 if they differ
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from rltcare.cohort.registry_source import RegistryCohort
from rltcare.cohort.source import DEMO_FILES
from rltcare.cohort.tables import LINE
from rltcare.registry import migrate
from rltcare.registry.access import SYSTEM
from rltcare.registry.db import make_engine, make_sessionmaker
from rltcare.registry.demo import generate
from rltcare.registry.importers import import_tables
from rltcare.settings import Settings

PATIENTS, CENTRES, SEED = 120, 4, 12
OUT = Path(__file__).resolve().parents[1] / "src" / "rltcare" / "cohort" / "demo" / "outcomes"


def build() -> dict[str, str]:
    """The CSV text of each demo file, by file name."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(Settings(data_dir=Path(tmp)))
        try:
            migrate.upgrade(engine)
            with make_sessionmaker(engine)() as session:
                import_tables(
                    session=session, caller=SYSTEM, frames=generate(PATIENTS, CENTRES, SEED)
                )
                session.commit()
                cohort = RegistryCohort(session, SYSTEM).load()
        finally:
            engine.dispose()
    return {
        file: cohort.table(table).drop(columns=LINE).to_csv(index=False, lineterminator="\n")
        for table, file in DEMO_FILES.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    files = build()
    if args.check:
        stale = [f for f, text in files.items() if (OUT / f).read_text(encoding="utf-8") != text]
        for file in stale:
            print(f"{OUT / file} differs from what the script builds", file=sys.stderr)
        return 1 if stale else 0
    for file, text in files.items():
        (OUT / file).write_text(text, encoding="utf-8")
        print(f"{OUT / file}: {text.count(chr(10)) - 1} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
