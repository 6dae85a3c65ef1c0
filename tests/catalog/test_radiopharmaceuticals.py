"""The packaged radiopharmaceuticals: every product validates, is sourced and sensible."""

import pytest

from rltcare.physics.retention import Kinetics

EXPECTED = {
    "lu177-psma-617",
    "lu177-psma-it",
    "lu177-dotatate",
    "ra223-dichloride",
    "i131-nai-thyroid-cancer",
    "i131-nai-hyperthyroidism",
    "y90-microspheres-glass",
    "y90-microspheres-resin",
    "ac225-psma-617",
}


def test_every_required_product_is_there(catalog):
    assert set(catalog.radiopharmaceuticals) >= EXPECTED


@pytest.mark.parametrize("product_id", sorted(EXPECTED))
def test_product_is_sourced_and_sensible(catalog, product_id):
    product = catalog.radiopharmaceutical(product_id)
    assert len(product.source) > 20 and len(product.retention.source) > 20
    if product.specific_dose_rate_1m is not None:
        assert product.specific_dose_rate_source
    low, high = product.activity_range_mbq
    assert low <= product.typical_activity_mbq <= high
    fractions = [c.fraction for c in product.retention.components]
    assert 0.5 <= sum(fractions) <= 1.0 + 1e-9
    kinetics = Kinetics.typical(product.retention, catalog.nuclide(product.nuclide).half_life_h)
    retained = kinetics.retained([0.0, 24.0, 24.0 * 30])
    assert retained[0] <= 1.0 + 1e-9 and retained[0] > retained[1] > retained[2]


@pytest.mark.parametrize(
    ("product_id", "shelf_life_h"),
    [("lu177-psma-617", 120), ("lu177-dotatate", 72), ("ra223-dichloride", 28 * 24)],
)
def test_shelf_lives_from_the_smpc(catalog, product_id, shelf_life_h):
    assert catalog.radiopharmaceutical(product_id).shelf_life_h == shelf_life_h


@pytest.mark.parametrize(
    ("product_id", "activity_mbq", "cycles", "interval_weeks"),
    [
        ("lu177-psma-617", 7400, 6, 6),  # VISION
        ("lu177-dotatate", 7400, 4, 8),  # NETTER-1
        ("ra223-dichloride", 55e-3 * 80, 6, 4),  # ALSYMPCA, 55 kBq/kg × 80 kg
    ],
)
def test_trial_schedules(catalog, product_id, activity_mbq, cycles, interval_weeks):
    product = catalog.radiopharmaceutical(product_id)
    assert product.typical_activity_mbq == pytest.approx(activity_mbq)
    assert product.cycles == cycles and product.interval_h == interval_weeks * 168


def test_impurities_follow_production_route(catalog):
    for product in catalog.radiopharmaceuticals.values():
        if product.nuclide == "Lu-177":
            carrier_added = product.production == "carrier-added"
            assert ("Lu-177m" in product.impurities) == carrier_added, product.id
    assert 1e-4 <= catalog.radiopharmaceutical("lu177-dotatate").impurities["Lu-177m"] <= 5e-4
    assert 1e-3 <= catalog.radiopharmaceutical("ac225-psma-617").impurities["Ac-227"] <= 2e-3


def test_microspheres_are_permanent(catalog):
    for product_id in ("y90-microspheres-glass", "y90-microspheres-resin"):
        (component,) = catalog.radiopharmaceutical(product_id).retention.components
        assert component.fraction == 1.0
        assert component.effective_half_life_h is None and component.biological_half_life_h is None


def test_nureg_u5_iodine_values(catalog):
    """NUREG-1556 Vol. 9 Appendix U Table U.5."""
    cancer = catalog.radiopharmaceutical("i131-nai-thyroid-cancer").retention.components
    benign = catalog.radiopharmaceutical("i131-nai-hyperthyroidism").retention.components
    assert [(c.fraction, c.effective_half_life_h / 24) for c in cancer] == [
        (0.95, pytest.approx(0.32)),
        (0.05, pytest.approx(7.3)),
    ]
    assert [(c.fraction, c.effective_half_life_h / 24) for c in benign] == [
        (0.20, pytest.approx(0.32)),
        (0.80, pytest.approx(5.2)),
    ]
