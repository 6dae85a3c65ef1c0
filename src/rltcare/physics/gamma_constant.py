"""Photon dose-rate constants of a nuclide, computed from its emission lines.

The air-kerma rate constant of a point source (ICRU Report 85 defines Γδ):

    Γδ = (1 / 4π r²) · Σ_{Eᵢ > δ} yᵢ · Eᵢ · (μen/ρ)ᵢ

with yᵢ photons per decay of energy Eᵢ and (μen/ρ)ᵢ the mass energy-absorption
coefficient of dry air at Eᵢ (NIST SRD 126, interpolated log-log). Photons at or
below the cut-off δ (default 20 keV, as most published tables use) are left out:
they barely leave a source or a patient. The ambient dose equivalent rate
constant weights each line with the ICRP Publication 74 conversion coefficient
H*(10)/Ka at its energy. Both come out in µGy·m²/(GBq·h) and µSv·m²/(GBq·h),
i.e. the rate at 1 m from 1 GBq, in vacuum, without attenuation or scatter.

``with_progeny`` adds the lines of short-lived progeny in equilibrium with the
parent (Ra-223, Ac-225 and Pb-212 chains, Lu-177 under Lu-177m), each weighted by
its activity per parent decay: the branching fraction times the transient
equilibrium factor λd/(λd − λp), chained down the decay tree. A daughter that
lives longer than its parent never reaches equilibrium and ends the walk.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from rltcare.catalog import Catalog, default_catalog
from rltcare.errors import InputError
from rltcare.result import Result, format_value

#: Photons at or below this energy are left out unless the caller says otherwise (keV).
DEFAULT_CUTOFF_KEV = 20.0

_J_PER_KEV = 1.602176634e-16
_CM2_G_TO_M2_KG = 0.1
# 1 GBq for 1 hour, in Gy → µGy: Bq · s/h · µGy/Gy
_PER_GBQ_H_UGY = 1e9 * 3600.0 * 1e6
_MIN_EQUILIBRIUM_ACTIVITY = 1e-6  # progeny activity per parent decay below this is ignored


class LineContribution(BaseModel):
    """One photon line and what it adds to the constants."""

    model_config = ConfigDict(frozen=True)

    nuclide: str
    energy_kev: float
    yield_per_decay: float
    kind: str
    activity_per_parent_decay: float
    mu_en_rho_cm2_g: float
    h10_per_air_kerma_sv_gy: float
    air_kerma_ugy_m2_per_gbq_h: float
    h10_usv_m2_per_gbq_h: float


class GammaConstant(Result):
    """Air-kerma and H*(10) rate constants of a nuclide (optionally with its progeny)."""

    nuclide: str
    cutoff_kev: float
    with_progeny: bool
    air_kerma_rate_constant_ugy_m2_per_gbq_h: float
    h10_rate_constant_usv_m2_per_gbq_h: float
    progeny_activity_per_decay: dict[str, float]
    lines: list[LineContribution]
    sources: list[str]

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("nuclide", self.nuclide + (" + progeny" if self.with_progeny else "")),
            ("energy cut-off", f"{self.cutoff_kev:g} keV"),
            (
                "air-kerma rate constant",
                f"{format_value(self.air_kerma_rate_constant_ugy_m2_per_gbq_h)} µGy·m²/(GBq·h)",
            ),
            (
                "H*(10) rate constant",
                f"{format_value(self.h10_rate_constant_usv_m2_per_gbq_h)} µSv·m²/(GBq·h)",
            ),
            ("lines used", str(len(self.lines))),
        ]
        for name, ratio in self.progeny_activity_per_decay.items():
            if name != self.nuclide:
                rows.append((f"{name} activity per {self.nuclide} decay", format_value(ratio)))
        rows += [("source", source) for source in self.sources]
        return rows


def equilibrium_activities(nuclide: str, catalog: Catalog | None = None) -> dict[str, float]:
    """Activity of each short-lived member of ``nuclide``'s chain per decay of ``nuclide``.

    The parent itself is 1. A daughter counts if it is in the catalog and lives
    shorter than the head of the chain; its ratio is its branching fraction ×
    λd/(λd − λ₁) × the ratio of its own parent, λ₁ being the head's decay constant
    (transient equilibrium, which is secular equilibrium when λd ≫ λ₁).

    >>> round(equilibrium_activities("Pb-212")["Tl-208"], 3)
    0.399
    """
    import radioactivedecay as rd  # on first use: it loads its data set at import (~3 s)

    catalog = catalog or default_catalog()
    root = catalog.nuclide(nuclide)
    head_half_life_h = root.half_life_h
    ratios = {root.name: 1.0}
    stack = [(root.name, 1.0)]
    while stack:
        parent, parent_ratio = stack.pop()
        try:
            decay = rd.Nuclide(parent)
        except Exception:  # not in radioactivedecay's data set: no chain to follow
            continue
        for daughter, branch in zip(decay.progeny(), decay.branching_fractions(), strict=True):
            if daughter not in catalog.nuclides:
                continue
            half_life_h = catalog.nuclides[daughter].half_life_h
            if half_life_h >= head_half_life_h:
                continue  # outlives the head of the chain: never in equilibrium with it
            ratio = parent_ratio * branch * head_half_life_h / (head_half_life_h - half_life_h)
            if ratio < _MIN_EQUILIBRIUM_ACTIVITY:
                continue
            ratios[daughter] = ratios.get(daughter, 0.0) + ratio
            stack.append((daughter, ratio))
    return ratios


def evaluate(
    nuclide: str,
    *,
    cutoff_kev: float = DEFAULT_CUTOFF_KEV,
    with_progeny: bool = False,
    catalog: Catalog | None = None,
) -> GammaConstant:
    """Air-kerma and H*(10) rate constants of ``nuclide`` at 1 m per GBq.

    Raises :class:`InputError` for an unknown nuclide or a negative cut-off.
    A nuclide without photon lines above the cut-off has constants of zero.
    """
    catalog = catalog or default_catalog()
    if not np.isfinite(cutoff_kev) or cutoff_kev < 0:
        raise InputError(
            f"the energy cut-off must be zero or more, got {cutoff_kev}",
            field="cutoff",
            value=cutoff_kev,
        )
    name = catalog.nuclide(nuclide).name
    activities = equilibrium_activities(name, catalog) if with_progeny else {name: 1.0}
    air = catalog.table("air_mu_en")
    h10 = catalog.table("h10_per_air_kerma")
    contributions: list[LineContribution] = []
    sources: list[str] = []
    for member, activity in activities.items():
        for line in catalog.photon_lines.get(member, ()):
            if line.energy_kev <= cutoff_kev:
                continue
            mu_en = float(
                air.interpolate_loglog("energy_mev", "mu_en_rho_cm2_g", line.energy_kev / 1e3)
            )
            ratio = float(
                h10.interpolate_loglog("energy_mev", "h10_per_ka_sv_gy", line.energy_kev / 1e3)
            )
            kerma = (
                activity
                * line.yield_per_decay
                * line.energy_kev
                * _J_PER_KEV
                * mu_en
                * _CM2_G_TO_M2_KG
                / (4 * np.pi)
                * _PER_GBQ_H_UGY
            )
            contributions.append(
                LineContribution(
                    nuclide=member,
                    energy_kev=line.energy_kev,
                    yield_per_decay=line.yield_per_decay,
                    kind=line.kind,
                    activity_per_parent_decay=activity,
                    mu_en_rho_cm2_g=mu_en,
                    h10_per_air_kerma_sv_gy=ratio,
                    air_kerma_ugy_m2_per_gbq_h=kerma,
                    h10_usv_m2_per_gbq_h=kerma * ratio,
                )
            )
            if line.source not in sources:
                sources.append(line.source)
    sources += [air.source, h10.source]
    return GammaConstant(
        nuclide=name,
        cutoff_kev=cutoff_kev,
        with_progeny=with_progeny,
        air_kerma_rate_constant_ugy_m2_per_gbq_h=sum(
            c.air_kerma_ugy_m2_per_gbq_h for c in contributions
        ),
        h10_rate_constant_usv_m2_per_gbq_h=sum(c.h10_usv_m2_per_gbq_h for c in contributions),
        progeny_activity_per_decay=activities,
        lines=contributions,
        sources=sources,
    )
