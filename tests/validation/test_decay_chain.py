"""Chain decay against radioactivedecay and against the analytic Bateman solution.

References: the radioactivedecay package (ICRP-107 data, Malins & Lemoine, JOSS 2022;7:3318)
and H. Bateman, Proc. Camb. Phil. Soc. 15 (1910) 423, solved here independently.
"""

import itertools

import numpy as np
import pytest
import radioactivedecay as rd

from rltcare.physics.decay import chain_activities

TIMES_H = [0.0, 1.0, 24.0, 240.0, 1000.0]


def _lam(name: str) -> float:
    return np.log(2) / rd.Nuclide(name).half_life("h")


def branching(parent: str, daughter: str) -> float:
    """ICRP-107 branching fraction from parent to daughter (data only, not the solver)."""
    nuclide = rd.Nuclide(parent)
    return dict(zip(nuclide.progeny(), nuclide.branching_fractions(), strict=True))[daughter]


def bateman(path: list[str], a0: float, t: float) -> float:
    """Activity of the last member of ``path`` from the first (activity a0 at t = 0).

    A_n(t) = B·N₀·λ_n·Σᵢ [Πⱼ<ₙ λⱼ / Πⱼ≠ᵢ (λⱼ − λᵢ)]·e^(−λᵢt), with N₀ = a0/λ₁ and B the
    product of the branching fractions along the path.
    """
    lam = np.array([_lam(n) for n in path])
    b = np.prod([branching(p, d) for p, d in itertools.pairwise(path)])
    total = 0.0
    for i in range(len(lam)):
        others = np.delete(lam, i)
        total += np.prod(lam[:-1]) / np.prod(others - lam[i]) * np.exp(-lam[i] * t)
    return b * a0 / lam[0] * lam[-1] * total


def test_ac225_chain_agrees_with_radioactivedecay(catalog):
    """Every member at every time within 1e-9 relative (the same solver; checks our plumbing)."""
    ours = chain_activities({"Ac-225": 8.0}, TIMES_H, catalog)
    for i, t in enumerate(TIMES_H):
        theirs = rd.Inventory({"Ac-225": 8.0}, "MBq").decay(t, "h").activities("MBq")
        for name, values in ours.items():
            assert values[i] == pytest.approx(theirs[name], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("t", [24.0, 240.0, 1000.0])
def test_ac225_chain_agrees_with_analytic_bateman(catalog, t):
    """Independent Bateman sums along each path: Ac-225 → Fr-221 → At-217 → Bi-213, then
    Po-213 (97.8%) or Tl-209 (2.2%) → Pb-209. Tolerance 1e-6 relative."""
    ours = {n: v[0] for n, v in chain_activities({"Ac-225": 8.0}, [t], catalog).items()}
    main = ["Ac-225", "Fr-221", "At-217", "Bi-213"]
    for member in main:
        assert ours[member] == pytest.approx(
            bateman(main[: main.index(member) + 1], 8.0, t), rel=1e-6
        )
    for side in ("Po-213", "Tl-209"):
        assert ours[side] == pytest.approx(bateman([*main, side], 8.0, t), rel=1e-6)
    pb = sum(bateman([*main, side, "Pb-209"], 8.0, t) for side in ("Po-213", "Tl-209"))
    assert ours["Pb-209"] == pytest.approx(pb, rel=1e-6)


def test_two_member_bateman_lu177m_feeds_lu177(catalog):
    """A₂(t) = b·λ₂/(λ₂ − λ₁)·A₁(0)·(e^(−λ₁t) − e^(−λ₂t)) with b = 0.217 (Lu-177m IT branch),
    starting from pure Lu-177m; tolerance 1e-6 relative."""
    l1, l2 = _lam("Lu-177m"), _lam("Lu-177")
    for t in (24.0, 24.0 * 30, 24.0 * 365):
        ours = chain_activities({"Lu-177m": 1.0}, [t], catalog)["Lu-177"][0]
        expected = 0.217 * l2 / (l2 - l1) * (np.exp(-l1 * t) - np.exp(-l2 * t))
        assert ours == pytest.approx(expected, rel=1e-6)
