"""External dose rate (ambient dose equivalent H*(10) rate) from a patient.

    Ḣ(t, d) = k · A₀ · R(t) · f(d)

- ``k`` (:func:`dose_rate_coefficient`): µSv/h at 1 m per MBq retained. Either
  *measured* — the product's ``specific_dose_rate_1m`` (µSv/h per GBq
  administered, just after administration, so per MBq in the body) — or
  *computed*: the nuclide's H*(10) rate constant (with progeny in equilibrium,
  from :mod:`rltcare.physics.gamma_constant`) times a body transmission factor
  for the photons absorbed and scattered in the patient.
- ``R(t)``: whole-body retained fraction from the product's retention model
  (:class:`~rltcare.physics.retention.Kinetics`), physical decay included.
- ``f(d)`` (:func:`distance_factor`): dose rate at ``d`` relative to 1 m. A patient
  is an extended source, so near the body the rate falls more slowly than 1/d²:
  (1/d)^1.5 up to 3 m, then inverse square (continuous at 3 m).

Everything broadcasts over numpy arrays, so one call evaluates a million patients.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from rltcare.catalog import Catalog, Radiopharmaceutical, default_catalog
from rltcare.errors import InputError
from rltcare.physics import gamma_constant
from rltcare.physics.retention import Kinetics
from rltcare.result import Result, format_value

#: Fraction of the unattenuated H*(10) rate that leaves a patient's body, used with a
#: computed constant when the product has no measured specific dose rate: the patient
#: attenuation correction factor measured for I-131 therapy patients (dose rate from the
#: patient just after administration over that from the capsule just before), 0.55 ± 0.17.
#: For Lu-177 it reproduces the mean of 230 patients at 1 m (Bellamy et al. 2022).
DEFAULT_BODY_TRANSMISSION = 0.55
BODY_TRANSMISSION_SOURCE = (
    "'Measurement and analysis of patient attenuation correction factor during radioiodine "
    "therapy': patient/capsule dose-rate ratio 0.55 ± 0.17 just after administration"
)

#: Distance model: rate ∝ (1/d)^EXPONENT up to FAR_FIELD_M, inverse square beyond.
NEAR_FIELD_EXPONENT = 1.5
FAR_FIELD_M = 3.0


class DoseRateCoefficient(Result):
    """µSv/h at 1 m per MBq retained in the patient, and how it was obtained."""

    product: str
    nuclide: str
    usv_h_per_mbq_at_1m: float
    method: Literal["measured", "computed"]
    source: str
    h10_constant_usv_m2_per_gbq_h: float | None = None
    body_transmission: float | None = None

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("coefficient", f"{self.usv_h_per_mbq_at_1m * 1e3:.4g} µSv/h per GBq at 1 m"),
            ("method", self.method),
        ]
        if self.method == "computed":
            rows += [
                ("H*(10) constant", f"{self.h10_constant_usv_m2_per_gbq_h:.4g} µSv·m²/(GBq·h)"),
                ("body transmission", format_value(self.body_transmission)),
            ]
        return [*rows, ("coefficient source", self.source)]


def dose_rate_coefficient(
    product: Radiopharmaceutical,
    catalog: Catalog | None = None,
    *,
    body_transmission: float = DEFAULT_BODY_TRANSMISSION,
) -> DoseRateCoefficient:
    """µSv/h at 1 m per MBq retained: measured if the product has it, otherwise computed.

    Raises :class:`InputError` if neither is possible (a nuclide without photon
    lines, such as the pure beta emitter Y-90, whose patients emit bremsstrahlung:
    such a product needs a measured ``specific_dose_rate_1m``).
    """
    if product.specific_dose_rate_1m is not None:
        return DoseRateCoefficient(
            product=product.id,
            nuclide=product.nuclide,
            usv_h_per_mbq_at_1m=product.specific_dose_rate_1m / 1e3,
            method="measured",
            source=product.specific_dose_rate_source or product.source,
        )
    if not 0 < body_transmission <= 1:
        raise InputError(
            f"body transmission must be in (0, 1], got {body_transmission}",
            field="body_transmission",
            value=body_transmission,
        )
    constant = gamma_constant.evaluate(product.nuclide, with_progeny=True, catalog=catalog)
    if constant.h10_rate_constant_usv_m2_per_gbq_h <= 0:
        raise InputError(
            f"{product.nuclide} has no photon lines above {constant.cutoff_kev:g} keV, so the "
            f"dose rate of '{product.id}' cannot be computed",
            field="product",
            value=product.id,
            hint="give the product a measured specific_dose_rate_1m (µSv/h per GBq at 1 m); "
            "for Y-90 the dose rate is bremsstrahlung",
        )
    h10 = constant.h10_rate_constant_usv_m2_per_gbq_h
    return DoseRateCoefficient(
        product=product.id,
        nuclide=product.nuclide,
        usv_h_per_mbq_at_1m=h10 * body_transmission / 1e3,
        method="computed",
        source=f"computed H*(10) constant ({'; '.join(constant.sources)}) × body transmission "
        f"{body_transmission:g} ({BODY_TRANSMISSION_SOURCE})",
        h10_constant_usv_m2_per_gbq_h=h10,
        body_transmission=body_transmission,
    )


def distance_factor(distance_m: np.ndarray | float) -> np.ndarray:
    """Dose rate at ``distance_m`` from the patient relative to that at 1 m.

    (1/d)^1.5 for d ≤ 3 m — the fall-off used in practice for patients between 1 and
    3 m, which below 1 m stays within 6 % of the line source of body length (174 cm)
    of Siegel et al. 2002 down to 0.3 m — and inverse square from the 3 m value
    beyond, where a patient is a point source. Continuous at 3 m; 1 at 1 m.
    """
    d = np.asarray(distance_m, dtype=float)
    if not np.all(d > 0):  # also catches NaN
        raise InputError(
            "distance must be more than zero", field="distance", value=_first_bad(d, d > 0)
        )
    near = d ** (-NEAR_FIELD_EXPONENT)
    far = FAR_FIELD_M ** (-NEAR_FIELD_EXPONENT) * (FAR_FIELD_M / d) ** 2
    return np.where(d <= FAR_FIELD_M, near, far)


def patient_dose_rate_usv_h(
    product: Radiopharmaceutical,
    administered_mbq: np.ndarray | float,
    time_h: np.ndarray | float,
    distance_m: np.ndarray | float,
    *,
    kinetics: Kinetics | None = None,
    catalog: Catalog | None = None,
) -> np.ndarray:
    """H*(10) rate in µSv/h at ``distance_m`` from the patient, ``time_h`` after administration.

    ``administered_mbq``, ``time_h`` and ``distance_m`` broadcast together. With
    ``kinetics`` of ``n`` patients, ``time_h`` is a scalar or one time per patient
    (shape (n,)); with one patient (the default: the product's typical
    kinetics) it may be any array of times.
    """
    catalog = catalog or default_catalog()
    activity = np.asarray(administered_mbq, dtype=float)
    if not np.all(activity > 0):
        raise InputError(
            "administered activity must be more than zero",
            field="activity",
            value=_first_bad(activity, activity > 0),
        )
    time = np.asarray(time_h, dtype=float)
    if not np.all(time >= 0):
        raise InputError(
            "time after administration must be zero or more",
            field="time",
            value=_first_bad(time, time >= 0),
        )
    if kinetics is None:
        half_life_h = catalog.nuclide(product.nuclide).half_life_h
        kinetics = Kinetics.typical(product.retention, half_life_h)
    k = dose_rate_coefficient(product, catalog).usv_h_per_mbq_at_1m
    return k * activity * kinetics.retained(time) * distance_factor(distance_m)


class DoseRateResult(Result):
    """Dose rate from one (typical) patient at one distance over time."""

    product: str
    product_name: str
    nuclide: str
    administered_mbq: float
    distance_m: float
    distance_factor: float
    coefficient: DoseRateCoefficient
    retention_source: str
    times_h: list[float]
    retained_fraction: list[float]
    dose_rate_usv_h: list[float]

    def summary_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("product", f"{self.product_name} ({self.product})"),
            ("administered", f"{self.administered_mbq:.4g} MBq"),
            ("distance", f"{self.distance_m:g} m (× {self.distance_factor:.4g} of the 1 m rate)"),
            *self.coefficient.summary_rows(),
            ("retention model", self.retention_source),
        ]
        for t, r, rate in zip(
            self.times_h, self.retained_fraction, self.dose_rate_usv_h, strict=True
        ):
            rows.append((f"at {t:g} h", f"{rate:.4g} µSv/h (retained {r:.3g})"))
        return rows


#: Times shown when the caller gives none (h after administration).
DEFAULT_TIMES_H = (0.0, 2.0, 6.0, 24.0, 48.0, 72.0, 120.0, 168.0)


def evaluate(
    product: Radiopharmaceutical,
    administered_mbq: float,
    distance_m: float,
    times_h: np.ndarray | list[float] | None = None,
    catalog: Catalog | None = None,
) -> DoseRateResult:
    """Dose rate of the product's typical patient at ``distance_m`` at each of ``times_h``."""
    catalog = catalog or default_catalog()
    times = np.atleast_1d(np.asarray(DEFAULT_TIMES_H if times_h is None else times_h, float))
    if times.size == 0:
        raise InputError("give at least one time after administration", field="times")
    half_life_h = catalog.nuclide(product.nuclide).half_life_h
    kinetics = Kinetics.typical(product.retention, half_life_h)
    rates = patient_dose_rate_usv_h(
        product, administered_mbq, times, distance_m, kinetics=kinetics, catalog=catalog
    )
    return DoseRateResult(
        product=product.id,
        product_name=product.name,
        nuclide=product.nuclide,
        administered_mbq=float(administered_mbq),
        distance_m=float(distance_m),
        distance_factor=float(distance_factor(distance_m)),
        coefficient=dose_rate_coefficient(product, catalog),
        retention_source=product.retention.source,
        times_h=times.tolist(),
        retained_fraction=kinetics.retained(times).tolist(),
        dose_rate_usv_h=np.asarray(rates, dtype=float).tolist(),
    )


def _first_bad(values: np.ndarray, ok: np.ndarray) -> float:
    return float(np.ravel(values)[~np.ravel(np.broadcast_to(ok, values.shape))][0])
