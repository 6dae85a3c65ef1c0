"""RECIST 1.1 lesions that split or coalesce on treatment.

Reference: Eisenhauer EA et al. Eur J Cancer 2009;45:228-47, Appendix II (target lesions
that split or coalesce): when a non-nodal lesion fragments, the longest diameters of the
fragments are added together for the target lesion sum; when lesions truly coalesce, the
longest diameter of the coalesced lesion is recorded, here on one of them (``merged_into``
names it) while the others count 0 mm.

The input marks it on the follow-up observation:

- ``split_from = "L1"``: this observation is a fragment of baseline lesion L1; the
  fragments of one date become L1's observation (the sum of their diameters; unmeasured
  fragment → L1 not measured);
- ``merged_into = "L2"``: this lesion has coalesced into L2, which carries the merged
  diameter on that date; this lesion counts 0 mm and is *not* a disappearance (so seeing
  it apart again later is not a reappearance).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from rltcare.response.base import NotEvaluable, Rule


def resolve(
    observations: Sequence[Any], base: dt.date, to_mm: Callable[[Any], float | None]
) -> tuple[list[Any], list[Rule]]:
    """(observations with fragments folded into their parent, rules saying what was done)."""
    by_key = {(o.lesion_id, o.date): o for o in observations}
    at_base = {o.lesion_id: o for o in observations if o.date == base}
    fragments: dict[tuple[str, dt.date], list] = defaultdict(list)
    kept, rules = [], []
    for o in observations:
        if o.split_from and o.merged_into:
            raise NotEvaluable(f"lesion {o.lesion_id} on {o.date} both split and coalesced")
        if (o.split_from or o.merged_into) and (o.date <= base or o.new):
            raise NotEvaluable(
                f"lesion {o.lesion_id}: split or coalescence can only be recorded on a "
                f"follow-up of a known lesion (date {o.date}, new={o.new})"
            )
        if o.split_from:
            fragments[(o.split_from, o.date)].append(o)
            continue
        if o.merged_into:
            _check_merge(o, by_key, to_mm)
            rules.append(
                Rule(
                    rule="coalesced",
                    date=o.date,
                    text=f"lesion {o.lesion_id} coalesced into {o.merged_into}: counts 0 mm, "
                    f"the merged diameter is on {o.merged_into}",
                )
            )
        kept.append(o)
    for (parent, date), parts in sorted(fragments.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        kept.append(_fold(parent, date, parts, at_base, by_key, to_mm, rules))
    return kept, rules


def _check_merge(o, by_key, to_mm) -> None:
    if o.merged_into == o.lesion_id:
        raise NotEvaluable(f"lesion {o.lesion_id} cannot coalesce into itself")
    into = by_key.get((o.merged_into, o.date))
    if into is None or into.new or into.merged_into:
        raise NotEvaluable(
            f"lesion {o.lesion_id} coalesced into {o.merged_into}, which has no own "
            f"measurement on {o.date}",
            lesion=o.lesion_id,
        )
    if (to_mm(o) or 0) > 0:
        raise NotEvaluable(
            f"lesion {o.lesion_id} coalesced into {o.merged_into} on {o.date} but has its own "
            f"diameter; record the merged diameter on {o.merged_into} and 0 (or none) here",
            lesion=o.lesion_id,
        )


def _fold(parent, date, parts, at_base, by_key, to_mm, rules):
    if parent not in at_base:
        raise NotEvaluable(f"fragments of {parent} on {date}, but {parent} has no baseline")
    if (parent, date) in by_key:
        raise NotEvaluable(
            f"lesion {parent} has its own observation on {date} and fragments "
            f"{sorted(p.lesion_id for p in parts)}; give one or the other"
        )
    sizes = [0.0 if p.status == "absent" else to_mm(p) for p in parts]
    total = None if any(s is None for s in sizes) else sum(sizes)
    names = [p.lesion_id for p in parts]
    text = " + ".join("?" if s is None else f"{s:g}" for s in sizes)
    rules.append(
        Rule(
            rule="split",
            date=date,
            numbers={"fragments": names, "sum_mm": total},
            text=f"lesion {parent} split into {', '.join(names)}: {text} = "
            + ("not measured" if total is None else f"{total:g} mm")
            + f" counted for {parent}",
        )
    )
    return at_base[parent].model_copy(
        update={"date": date, "diameter": total, "unit": "mm", "status": None, "target": None}
    )
