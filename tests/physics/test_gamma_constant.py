"""physics/gamma_constant.py: line sums, energy cut-off, progeny in equilibrium, bad input."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rltcare.catalog import default_catalog
from rltcare.errors import InputError, UnknownNameError
from rltcare.physics.gamma_constant import equilibrium_activities, evaluate


def test_constant_is_the_sum_of_its_lines(catalog):
    result = evaluate("I-131", catalog=catalog)
    assert result.air_kerma_rate_constant_ugy_m2_per_gbq_h == pytest.approx(
        sum(line.air_kerma_ugy_m2_per_gbq_h for line in result.lines)
    )
    assert result.h10_rate_constant_usv_m2_per_gbq_h == pytest.approx(
        sum(line.h10_usv_m2_per_gbq_h for line in result.lines)
    )
    assert all(line.energy_kev > 20 for line in result.lines)
    assert any("ICRP Publication 107" in s for s in result.sources)
    assert any("NIST" in s for s in result.sources) and any(
        "ICRP Publication 74" in s for s in result.sources
    )


def test_single_line_by_hand(catalog):
    """F-18: the annihilation line alone, y·E·(μen/ρ)/(4π) with NIST's value interpolated log-log."""
    result = evaluate("F-18", catalog=catalog)
    (line,) = result.lines
    air = catalog.table("air_mu_en")
    mu_en = math.exp(
        math.log(2.966e-2)
        + (math.log(2.953e-2) - math.log(2.966e-2)) * math.log(0.511 / 0.5) / math.log(0.6 / 0.5)
    )
    assert line.mu_en_rho_cm2_g == pytest.approx(mu_en, rel=1e-6)
    assert float(air.interpolate_loglog("energy_mev", "mu_en_rho_cm2_g", 0.5)) == pytest.approx(
        2.966e-2
    )
    by_hand = (
        line.yield_per_decay
        * 511.0
        * 1.602176634e-16
        * mu_en
        * 0.1
        / (4 * math.pi)
        * 1e9
        * 3600
        * 1e6
    )
    assert result.air_kerma_rate_constant_ugy_m2_per_gbq_h == pytest.approx(by_hand, rel=1e-6)


def test_h10_per_kerma_is_in_the_icrp74_range_above_30_kev(catalog):
    for line in evaluate("Lu-177m", with_progeny=True, catalog=catalog).lines:
        if line.energy_kev > 30:
            assert 1.09 <= line.h10_per_air_kerma_sv_gy <= 1.75


def test_cutoff_leaves_out_low_energy_x_rays(catalog):
    """Tc-99m's 18.3 keV K X-rays count only below a 20 keV cut-off."""
    at_20 = evaluate("Tc-99m", catalog=catalog)
    at_15 = evaluate("Tc-99m", cutoff_kev=15.0, catalog=catalog)
    assert (
        at_15.air_kerma_rate_constant_ugy_m2_per_gbq_h
        > 1.1 * at_20.air_kerma_rate_constant_ugy_m2_per_gbq_h
    )
    assert len(at_15.lines) == len(at_20.lines) + 1


@settings(max_examples=25, deadline=None)
@given(low=st.floats(0, 600), high=st.floats(0, 600))
def test_constant_never_rises_with_the_cutoff(low, high):
    catalog = default_catalog()
    low, high = sorted((low, high))
    a = evaluate(
        "Lu-177m", cutoff_kev=low, catalog=catalog
    ).air_kerma_rate_constant_ugy_m2_per_gbq_h
    b = evaluate(
        "Lu-177m", cutoff_kev=high, catalog=catalog
    ).air_kerma_rate_constant_ugy_m2_per_gbq_h
    assert b <= a + 1e-12


def test_equilibrium_activities_of_the_pb212_chain(catalog):
    """Transient equilibrium: Bi-212 at T_Pb/(T_Pb − T_Bi); Tl-208 at 35.94% of that, and so on."""
    ratios = equilibrium_activities("Pb-212", catalog)
    t_pb, t_bi = catalog.nuclide("Pb-212").half_life_h, catalog.nuclide("Bi-212").half_life_h
    assert ratios["Bi-212"] == pytest.approx(t_pb / (t_pb - t_bi))
    t_tl = catalog.nuclide("Tl-208").half_life_h
    assert ratios["Tl-208"] == pytest.approx(
        ratios["Bi-212"] * 0.3594 * t_pb / (t_pb - t_tl), rel=1e-3
    )
    assert ratios["Po-212"] + ratios["Tl-208"] == pytest.approx(ratios["Bi-212"], rel=0.01)


def test_equilibrium_stops_at_daughters_that_outlive_the_head(catalog):
    assert set(equilibrium_activities("Lu-177", catalog)) == {"Lu-177"}
    lu177m = equilibrium_activities("Lu-177m", catalog)
    assert 0.21 < lu177m["Lu-177"] < 0.24  # 21.7% IT branch, × T/(T − T_Lu-177)
    assert set(equilibrium_activities("Ac-225", catalog)) >= {"Fr-221", "Bi-213", "Tl-209"}


def test_progeny_dominate_the_alpha_emitters(catalog):
    for parent, daughter in (("Ac-225", "Bi-213"), ("Pb-212", "Tl-208"), ("Ra-223", "Pb-211")):
        alone = evaluate(parent, catalog=catalog).air_kerma_rate_constant_ugy_m2_per_gbq_h
        chain = evaluate(parent, with_progeny=True, catalog=catalog)
        assert chain.air_kerma_rate_constant_ugy_m2_per_gbq_h > 2 * alone
        assert any(line.nuclide == daughter for line in chain.lines)


def test_y90_has_no_line_above_the_threshold(catalog):
    result = evaluate("Y-90", catalog=catalog)
    assert result.lines == [] and result.air_kerma_rate_constant_ugy_m2_per_gbq_h == 0


def test_bad_input(catalog):
    with pytest.raises(UnknownNameError) as info:
        evaluate("Lu-178", catalog=catalog)
    assert "Lu-177" in info.value.suggestions
    with pytest.raises(InputError, match="cut-off"):
        evaluate("Lu-177", cutoff_kev=-1, catalog=catalog)


def test_summary_rows_name_units_and_sources(catalog):
    rows = dict(evaluate("Ac-225", with_progeny=True, catalog=catalog).summary_rows())
    assert rows["air-kerma rate constant"].endswith("µGy·m²/(GBq·h)")
    assert "Bi-213 activity per Ac-225 decay" in rows


def test_catalog_data_cover_every_emitter(catalog):
    """Every therapy and imaging nuclide has photon lines, except the pure beta emitter Y-90."""
    for nuclide in catalog.nuclides.values():
        if nuclide.role in ("therapy", "imaging"):
            assert (nuclide.name in catalog.photon_lines) == (nuclide.name != "Y-90"), nuclide.name
    air, h10 = catalog.table("air_mu_en"), catalog.table("h10_per_air_kerma")
    assert air["energy_mev"].min() == 0.001 and air["energy_mev"].max() == 20.0
    assert h10["energy_mev"].min() == 0.01 and h10["energy_mev"].max() == 10.0
    assert all(
        line.source.startswith("ICRP Publication 107")
        for lines in catalog.photon_lines.values()
        for line in lines
    )
