"""physics/waste.py: release time, criteria, impurities from products, store occupancy."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from rltcare.catalog.jurisdiction import ClearanceLevel, WasteClearance
from rltcare.errors import InputError, NotAchievableError
from rltcare.physics.decay import chain_activities
from rltcare.physics.waste import (
    Clearance,
    ContainerStream,
    DecayInStorageRule,
    clear_container,
    product_mix,
    release_time,
    resolve_clearance,
    storage_occupancy,
)

T_LU177_D = 6.647


def test_single_nuclide_release_is_a_log2(catalog):
    """Lu-177 (stable daughter Hf-177): t = T½·log2(C0/CL)."""
    result = release_time({"Lu-177": 1.0}, 1.0, Clearance(concentration_bq_g=10), catalog=catalog)
    assert result.initial_concentration_bq_g == pytest.approx(1000.0)
    assert result.storage_time_d == pytest.approx(T_LU177_D * np.log2(100), rel=1e-4)
    assert result.dominant_nuclide == "Lu-177"
    assert result.first_below_h == pytest.approx(result.storage_time_h)


def test_i131_counts_its_xe131m_daughter(catalog):
    """I-131 feeds Xe-131m (1.1%, T½ 11.9 d), so it clears later than I-131 alone would."""
    result = release_time({"I-131": 1.0}, 1.0, Clearance(concentration_bq_g=10), catalog=catalog)
    assert result.storage_time_d > 8.0207 * np.log2(100)


def test_total_limit_and_concentration_both_apply(catalog):
    mix = {"Lu-177": 1.0}
    by_concentration = release_time(mix, 1.0, Clearance(concentration_bq_g=100), catalog=catalog)
    both = release_time(mix, 1.0, Clearance(concentration_bq_g=100, total_bq=1e3), catalog=catalog)
    assert by_concentration.storage_time_d == pytest.approx(T_LU177_D * np.log2(10), rel=1e-4)
    assert both.storage_time_d == pytest.approx(T_LU177_D * np.log2(1e3), rel=1e-4)


def test_summation_rule_over_nuclide_levels(catalog):
    levels = Clearance(nuclide_levels_bq_g={"Lu-177": 100.0, "I-131": 10.0})
    result = release_time({"Lu-177": 1.0, "I-131": 1.0}, 1.0, levels, catalog=catalog)
    t = result.storage_time_h
    index = 1e3 * 2 ** (-t / (T_LU177_D * 24)) / 100 + 1e3 * 2 ** (-t / (8.0207 * 24)) / 10
    assert index == pytest.approx(1.0, rel=1e-3)


def test_already_clear_is_zero_and_dates_follow_reference(catalog):
    reference = datetime(2026, 11, 27, tzinfo=UTC)
    result = release_time(
        {"Lu-177": 1e-6},
        10.0,
        Clearance(concentration_bq_g=10),
        reference=reference,
        catalog=catalog,
    )
    assert result.storage_time_h == 0 and result.release_date == reference
    later = release_time(
        {"Lu-177": 1.0}, 1.0, Clearance(concentration_bq_g=10), reference=reference, catalog=catalog
    )
    assert later.release_date == reference + timedelta(hours=later.storage_time_h)


def test_ac227_never_clears_within_horizon(catalog):
    with pytest.raises(NotAchievableError, match="100 years"):
        release_time(
            {"Ac-225": 8.0, "Ac-227": 0.012}, 1.0, Clearance(concentration_bq_g=1), catalog=catalog
        )


def test_bad_inputs(catalog):
    with pytest.raises(InputError, match="mass"):
        release_time({"Lu-177": 1.0}, 0.0, Clearance(concentration_bq_g=1), catalog=catalog)
    with pytest.raises(InputError, match="clearance level"):
        release_time({"Lu-177": 1.0}, 1.0, Clearance(), catalog=catalog)


def test_product_mix_adds_impurities(catalog):
    mix = product_mix(catalog.radiopharmaceutical("lu177-dotatate"), 100.0, catalog)
    assert mix == {"Lu-177": 100.0, "Lu-177m": pytest.approx(0.02)}


def test_occupancy_reaches_rate_times_stay(catalog):
    """Lu-177 at 1000 Bq/g, level 10: stay 44.2 d → 7 weekly batches of 3 containers."""
    stream = ContainerStream(mix_mbq={"Lu-177": 1.0}, mass_kg=1.0, per_week=3, space_m2=0.25)
    result = storage_occupancy([stream], Clearance(concentration_bq_g=10), catalog=catalog)
    stay_weeks = int(np.ceil(T_LU177_D * np.log2(100) / 7))
    assert stay_weeks == 7
    assert result.steady_state_containers == 3 * stay_weeks
    assert result.steady_state_space_m2 == pytest.approx(0.25 * 3 * stay_weeks)
    assert result.weeks_to_steady_state == stay_weeks - 1
    assert result.containers[:3] == [3, 6, 9]
    assert np.all(np.diff(result.containers) >= 0)


def test_ingrowth_makes_release_the_last_crossing(catalog):
    """Fresh Ac-225 under a total limit just above it: daughters grow in within hours
    (equilibrium total ≈ 4 × Ac-225), so the container is below at first, then above,
    and may go only once the whole chain has decayed below the limit."""
    result = release_time({"Ac-225": 0.5}, 1.0, Clearance(total_bq=0.6e6), catalog=catalog)
    assert result.first_below_h == 0.0
    total_at_release = sum(
        a[0] for a in chain_activities({"Ac-225": 0.5}, [result.storage_time_h], catalog).values()
    )
    assert total_at_release == pytest.approx(0.6, rel=1e-3)
    assert result.storage_time_d > 10


# Jurisdictions' clearance rules (catalog/data/jurisdictions/*.toml, [clearance]).

T_I131_D = 8.0207
EU_STATES = ("de", "it", "pl", "es")


def test_eu_levels_give_the_log2_storage_time(catalog):
    """5 GBq Lu-177 in 5 kg under Directive 2013/59 Table A (100 Bq/g): T½·log2(1e6/100)."""
    result = clear_container(
        {"Lu-177": 5000.0},
        5.0,
        Clearance(),
        jurisdiction=catalog.jurisdiction("de"),
        catalog=catalog,
    )
    assert result.jurisdiction == "de"
    assert result.nuclide_levels_bq_g == {"Lu-177": 100.0}
    assert result.storage_time_d == pytest.approx(T_LU177_D * np.log2(1e4), rel=1e-4)


def test_jurisdiction_levels_are_summed(catalog):
    """Σ Cᵢ/CLᵢ with the table's levels equals the summation with the same levels by hand."""
    mix = {"Lu-177": 1.0, "I-131": 1.0}
    by_rule = clear_container(
        mix, 1.0, Clearance(), jurisdiction=catalog.jurisdiction("it"), catalog=catalog
    )
    by_hand = release_time(
        mix, 1.0, Clearance(nuclide_levels_bq_g={"Lu-177": 90.0, "I-131": 9.0}), catalog=catalog
    )
    assert by_rule.storage_time_h == pytest.approx(by_hand.storage_time_h, rel=1e-6)
    # 1 MBq in 1 kg = 1000 Bq/g each: the sum needs longer than I-131 alone would.
    alone = T_I131_D * np.log2(1000 / 9)
    assert by_rule.storage_time_d > alone


def test_uk_i131_level_is_ten_times_lower(catalog):
    """EPR 2016 Table 2 I-131+ 1 Bq/g vs RS-G-1.7 10 Bq/g: exactly T½·log2(10) longer."""
    times = {
        j: clear_container(
            {"I-131": 1.0}, 1.0, Clearance(), jurisdiction=catalog.jurisdiction(j), catalog=catalog
        ).storage_time_d
        for j in ("uk", "iaea")
    }
    assert times["uk"] - times["iaea"] == pytest.approx(T_I131_D * np.log2(10), rel=1e-4)


def test_missing_level_is_named_and_can_be_given(catalog):
    mix = product_mix(catalog.radiopharmaceutical("lu177-dotatate"), 7400.0, catalog)
    pl = catalog.jurisdiction("pl")
    with pytest.raises(InputError, match="no clearance level for Lu-177m in jurisdiction 'pl'"):
        clear_container(mix, 5.0, Clearance(), jurisdiction=pl, catalog=catalog)
    given = Clearance(nuclide_levels_bq_g={"Lu-177m": 1.0})
    result = clear_container(mix, 5.0, given, jurisdiction=pl, catalog=catalog)
    by_hand = release_time(
        mix, 5.0, Clearance(nuclide_levels_bq_g={"Lu-177": 100.0, "Lu-177m": 1.0}), catalog=catalog
    )
    assert result.storage_time_h == pytest.approx(by_hand.storage_time_h, rel=1e-6)
    assert result.dominant_nuclide == "Lu-177m"


def test_user_total_level_replaces_the_jurisdiction(catalog):
    mix = {"Lu-177": 1.0}
    own = Clearance(concentration_bq_g=10.0)
    with_rule = clear_container(
        mix, 1.0, own, jurisdiction=catalog.jurisdiction("de"), catalog=catalog
    )
    assert with_rule.jurisdiction is None
    assert with_rule.storage_time_d == pytest.approx(T_LU177_D * np.log2(100), rel=1e-4)


def test_us_answers_with_the_survey_rule(catalog):
    """10 CFR 35.92: no Bq/g level; half-lives up to 120 d qualify (Lu-177m, 160 d, does not)."""
    us = catalog.jurisdiction("us")
    rule = clear_container({"I-131": 1000.0}, 5.0, Clearance(), jurisdiction=us, catalog=catalog)
    assert isinstance(rule, DecayInStorageRule)
    assert "background" in rule.rule and "35.92" in rule.source
    assert rule.max_half_life_d == pytest.approx(120.0)
    assert rule.not_eligible == []
    assert rule.ten_half_lives_d == pytest.approx(10 * T_I131_D, rel=1e-3)
    mix = product_mix(catalog.radiopharmaceutical("lu177-dotatate"), 7400.0, catalog)
    rule = clear_container(mix, 5.0, Clearance(), jurisdiction=us, catalog=catalog)
    assert rule.not_eligible == ["Lu-177m"]
    # A level given by the user still gives a date.
    dated = clear_container(
        {"I-131": 1000.0},
        5.0,
        Clearance(nuclide_levels_bq_g={"I-131": 10.0}),
        jurisdiction=us,
        catalog=catalog,
    )
    assert dated.storage_time_d > 0


def test_occupancy_with_resolved_levels(catalog):
    resolved = resolve_clearance(["Lu-177"], Clearance(), catalog.jurisdiction("pl"), catalog)
    stream = ContainerStream(mix_mbq={"Lu-177": 5000.0}, mass_kg=5.0, per_week=1)
    store = storage_occupancy([stream], resolved, catalog=catalog)
    assert store.steady_state_containers == np.ceil(T_LU177_D * np.log2(1e4) / 7)


def test_eu_member_states_share_the_directive_levels(catalog):
    """The EU files carry the same Table A levels, each with a source; Italy's are 90 % of
    them (D.Lgs. 101/2020 Allegato I point 8.2-bis, medical waste with T½ < 60 d)."""
    tables = {}
    for jid in EU_STATES:
        rule = catalog.jurisdiction(jid).clearance
        assert rule.method == "levels"
        assert all(len(level.source) > 20 for level in rule.levels)
        tables[jid] = {level.nuclide: level.level_bq_g for level in rule.levels}
    directive = tables["pl"]
    assert tables["es"] == directive
    assert tables["it"] == pytest.approx(
        {nuclide: 0.9 * level for nuclide, level in directive.items()}
    )
    # Germany's own Anlage 4 table agrees on the Directive's nuclides and lists more.
    assert {nuclide: tables["de"][nuclide] for nuclide in directive} == directive
    assert directive["Lu-177"] == 100.0 and directive["I-131"] == 10.0


def test_germany_clears_lu177m_with_its_own_level(catalog):
    """StrlSchV Anlage 4 Tabelle 1 Spalte 3: Lu-177m+ 0.1 Bq/g, no --level needed."""
    de = catalog.jurisdiction("de")
    assert de.clearance.level("Lu-177m").level_bq_g == 0.1
    assert de.clearance.level("Lu-177m").includes_progeny
    result = clear_container({"Lu-177m": 1.0}, 5.0, Clearance(), jurisdiction=de, catalog=catalog)
    # 200 Bq/g of Lu-177m needs log2(2000) half-lives; the Lu-177 it feeds is summed against its
    # own 100 Bq/g (2e-4 of the sum, inside the tolerance).
    assert result.nuclide_levels_bq_g == {"Lu-177m": 0.1, "Lu-177": 100.0}
    assert result.storage_time_d == pytest.approx(160.4 * np.log2(2000), rel=2e-3)


def test_clearance_table_is_validated():
    with pytest.raises(ValueError, match="needs at least one"):
        WasteClearance(method="levels", rule="sum of fractions", source="a source")
    with pytest.raises(ValueError, match="one level per nuclide"):
        WasteClearance(
            method="levels",
            rule="sum of fractions",
            source="a source",
            levels=[
                {"nuclide": "Lu-177", "level": "100 Bq/g", "source": "a source"},
                {"nuclide": "lu177", "level": "10 Bq/g", "source": "a source"},
            ],
        )
    with pytest.raises(ValueError, match="is a time"):
        ClearanceLevel(nuclide="Lu-177", level="100 s", source="a source")
