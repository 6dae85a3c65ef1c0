"""Radioactive decay: one nuclide (vectorised), chains with progeny, and ordering.

Single nuclides decay as A(t) = A₀·2^(−t/T½) over numpy arrays. Chains (Ac-225 with
its daughters, Lu-177m feeding Lu-177, Ac-227 growing Th-227 and Ra-223) are solved
by ``radioactivedecay`` (Bateman equations on ICRP-107 data). :func:`order` answers
how much to order at calibration (or at end of production) so that the prescribed
activity is there at the planned administration, within the product's shelf life.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import numpy as np

from rltcare.catalog import Catalog, Radiopharmaceutical, default_catalog
from rltcare.errors import InputError, NotAchievableError
from rltcare.result import Result, format_value


def decay_factor(half_life_h: float | np.ndarray, time_h: float | np.ndarray) -> np.ndarray:
    """Fraction of activity left after ``time_h`` (broadcast over both arrays)."""
    return np.exp2(-np.asarray(time_h, dtype=float) / np.asarray(half_life_h, dtype=float))


def activity_at(
    activity_mbq: float | np.ndarray, half_life_h: float | np.ndarray, time_h: float | np.ndarray
) -> np.ndarray:
    """Activity (MBq) after ``time_h`` hours; negative times decay backwards."""
    return np.asarray(activity_mbq, dtype=float) * decay_factor(half_life_h, time_h)


def _check_inventory(inventory_mbq: Mapping[str, float], catalog: Catalog) -> dict[str, float]:
    """Canonical catalog names and positive activities, or an error naming the entry."""
    if not inventory_mbq:
        raise InputError("give at least one nuclide with its activity", field="nuclide")
    out: dict[str, float] = {}
    for name, activity in inventory_mbq.items():
        canonical = catalog.nuclide(name).name
        if not np.isfinite(activity) or activity <= 0:
            raise InputError(
                f"activity of {canonical} must be more than zero, got {activity}",
                field="activity",
                value=activity,
            )
        out[canonical] = out.get(canonical, 0.0) + float(activity)
    return out


def chain_activities(
    inventory_mbq: Mapping[str, float],
    times_h: Sequence[float] | np.ndarray,
    catalog: Catalog | None = None,
) -> dict[str, np.ndarray]:
    """Activity (MBq) of every radioactive member of the chains at each time.

    ``inventory_mbq`` maps nuclides to their activity at time zero. Stable end
    products are left out. Returns nuclide → 1-d array, one value per time.
    """
    import radioactivedecay as rd  # on first use: it loads its data set at import (~3 s)

    catalog = catalog or default_catalog()
    inventory = _check_inventory(inventory_mbq, catalog)
    times = np.atleast_1d(np.asarray(times_h, dtype=float))
    if np.any(times < 0) or not np.all(np.isfinite(times)):
        raise InputError("times after the reference must be zero or more", field="after")
    start = rd.Inventory(inventory, "MBq")
    rows = [start.decay(float(t), "h").activities("MBq") for t in times]
    names = sorted({n for row in rows for n in row}, key=lambda n: (-_half_life_h(n), n))
    return {
        str(n): np.array([row.get(n, 0.0) for row in rows], dtype=float)
        for n in names
        if np.isfinite(_half_life_h(n))  # stable end products carry no activity
    }


def _half_life_h(name: str) -> float:
    import radioactivedecay as rd  # on first use: it loads its data set at import (~3 s)

    return float(rd.Nuclide(str(name)).half_life("h"))


class DecayResult(Result):
    """Activities of a nuclide mix and its progeny at the requested times (MBq)."""

    initial_mbq: dict[str, float]
    times_h: list[float]
    activities_mbq: dict[str, list[float]]
    total_mbq: list[float]

    def summary_rows(self) -> list[tuple[str, str]]:
        start = ", ".join(f"{n} {format_value(a)} MBq" for n, a in self.initial_mbq.items())
        rows = [("start", start)]
        for i, t in enumerate(self.times_h):
            rows.append(
                (f"after {format_value(t)} h", f"total {format_value(self.total_mbq[i])} MBq")
            )
            rows += [
                (f"  {n}", f"{format_value(a[i])} MBq")
                for n, a in self.activities_mbq.items()
                if a[i] > 1e-9 * self.total_mbq[i]
            ]
        return rows


def decay(
    inventory_mbq: Mapping[str, float],
    times_h: Sequence[float] | np.ndarray,
    catalog: Catalog | None = None,
) -> DecayResult:
    """Decay ``inventory_mbq`` with its progeny to each of ``times_h`` (hours)."""
    catalog = catalog or default_catalog()
    activities = chain_activities(inventory_mbq, times_h, catalog)
    total = np.sum(list(activities.values()), axis=0)
    return DecayResult(
        initial_mbq=_check_inventory(inventory_mbq, catalog),
        times_h=[float(t) for t in np.atleast_1d(times_h)],
        activities_mbq={n: a.tolist() for n, a in activities.items()},
        total_mbq=np.atleast_1d(total).tolist(),
    )


def lu177m_ratio(
    time_h: float | np.ndarray, ratio_at_zero: float, catalog: Catalog | None = None
) -> np.ndarray:
    """Lu-177m/Lu-177 activity ratio ``time_h`` after the reference (e.g. end of irradiation).

    Lu-177 decays about 24 times faster than Lu-177m, so the ratio grows as
    r₀·exp((λ₁₇₇ − λ₁₇₇ₘ)·t); the 21.7% isomeric branch of Lu-177m feeding Lu-177
    is included through the chain solution, which caps the growth after months.
    """
    if not 0 < ratio_at_zero < 1:
        raise InputError(
            f"Lu-177m/Lu-177 ratio must be between 0 and 1, got {ratio_at_zero}", field="ratio"
        )
    times = np.atleast_1d(np.asarray(time_h, dtype=float))
    chain = chain_activities({"Lu-177": 1.0, "Lu-177m": ratio_at_zero}, times, catalog)
    ratio = chain["Lu-177m"] / chain["Lu-177"]
    return ratio if np.ndim(time_h) else ratio[0]


def _mbq(value: float | None) -> str:
    return "—" if value is None else f"{value:.5g} MBq"


class OrderResult(Result):
    """What to order so that the prescribed activity is there at administration."""

    nuclide: str
    product: str | None
    prescribed_activity_mbq: float
    administration: datetime
    calibration: datetime
    hours_from_calibration_h: float
    activity_at_calibration_mbq: float
    shelf_life_h: float | None
    expires: datetime | None
    margin_h: float | None
    production: datetime | None
    activity_at_production_mbq: float | None
    impurities_at_administration: dict[str, float]

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("nuclide", self.nuclide),
            ("product", self.product or "—"),
            ("prescribed at administration", _mbq(self.prescribed_activity_mbq)),
            ("administration", self.administration.isoformat()),
            ("calibration", self.calibration.isoformat()),
            ("hours from calibration", format_value(self.hours_from_calibration_h)),
            ("order at calibration", _mbq(self.activity_at_calibration_mbq)),
        ]
        if self.expires is not None:
            rows += [
                ("expires", self.expires.isoformat()),
                ("margin h", format_value(self.margin_h)),
            ]
        if self.production is not None:
            rows.append(("at production (EOB)", _mbq(self.activity_at_production_mbq)))
        rows += [
            (f"{n}/{self.nuclide} at administration", f"{r:.3g}")
            for n, r in self.impurities_at_administration.items()
        ]
        return rows


def order(
    prescribed_activity_mbq: float,
    administration: datetime,
    calibration: datetime,
    *,
    nuclide: str | None = None,
    product: Radiopharmaceutical | str | None = None,
    shelf_life_h: float | None = None,
    production: datetime | None = None,
    catalog: Catalog | None = None,
) -> OrderResult:
    """Activity to order at ``calibration`` so ``prescribed_activity_mbq`` is left at ``administration``.

    Give ``product`` (its nuclide, shelf life and impurities are used) or
    ``nuclide`` (with an optional ``shelf_life_h``). Timestamps must carry a time
    zone. Raises :class:`InputError` if calibration is after administration and
    :class:`NotAchievableError` if administration falls after the shelf life.
    """
    catalog = catalog or default_catalog()
    if isinstance(product, str):
        product = catalog.radiopharmaceutical(product)
    if product is None and nuclide is None:
        raise InputError("give a product or a nuclide", field="product")
    # The product fixes the nuclide (and its impurities); a different nuclide given
    # beside it would otherwise be silently ignored.
    if (
        product is not None
        and nuclide is not None
        and catalog.nuclide(nuclide).name != catalog.nuclide(product.nuclide).name
    ):
        raise InputError(
            f"product {product.id} is {product.nuclide}, not {nuclide}",
            field="nuclide",
            hint="give a product or a nuclide, not both",
        )
    name = catalog.nuclide(product.nuclide if product else nuclide).name
    if shelf_life_h is None and product is not None:
        shelf_life_h = product.shelf_life_h
    if not np.isfinite(prescribed_activity_mbq) or prescribed_activity_mbq <= 0:
        raise InputError("prescribed activity must be more than zero", field="activity")
    for field, stamp in (
        ("administration", administration),
        ("calibration", calibration),
        ("production", production),
    ):
        if stamp is not None and (stamp.tzinfo is None or stamp.utcoffset() is None):
            raise InputError(
                f"{field} time has no time zone",
                field=field,
                hint="write it as 2026-12-01T10:00+01:00",
            )
    hours = (administration - calibration).total_seconds() / 3600
    if hours < 0:
        raise InputError(
            f"calibration ({calibration.isoformat()}) is after administration "
            f"({administration.isoformat()})",
            field="calibration",
            hint="order a product calibrated at or before the planned administration",
        )
    expires = margin = None
    if shelf_life_h is not None:
        expires = calibration + timedelta(hours=shelf_life_h)
        margin = shelf_life_h - hours
        if margin < 0:
            raise NotAchievableError(
                f"administration is {hours:.1f} h after calibration, beyond the "
                f"{shelf_life_h:g} h shelf life (expired {expires.isoformat()})",
                field="administration",
                hint="move the administration earlier or order a later calibration",
            )
    half_life = catalog.nuclide(name).half_life_h
    at_production = None
    if production is not None:
        before = (calibration - production).total_seconds() / 3600
        if before < 0:
            raise InputError("production is after calibration", field="production")
        at_production = float(activity_at(prescribed_activity_mbq, half_life, -(hours + before)))
    impurities = {}
    if product is not None and product.impurities:
        mix = {name: 1.0} | dict(product.impurities)
        later = chain_activities(mix, [hours], catalog)
        impurities = {n: float(later[n][0] / later[name][0]) for n in product.impurities}
    return OrderResult(
        nuclide=name,
        product=product.id if product else None,
        prescribed_activity_mbq=float(prescribed_activity_mbq),
        administration=administration,
        calibration=calibration,
        hours_from_calibration_h=hours,
        activity_at_calibration_mbq=float(activity_at(prescribed_activity_mbq, half_life, -hours)),
        shelf_life_h=shelf_life_h,
        expires=expires,
        margin_h=margin,
        production=production,
        activity_at_production_mbq=at_production,
        impurities_at_administration=impurities,
    )
