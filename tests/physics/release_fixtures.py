"""Products built in the tests, independent of the packaged radiopharmaceuticals."""

from rltcare.catalog import Radiopharmaceutical


def product(
    nuclide="Lu-177",
    components=(
        {"fraction": 0.6, "effective_half_life": "2 h"},
        {"fraction": 0.4, "effective_half_life": "40 h"},
    ),
    specific_dose_rate_1m=4.0,
    product_id="test-product",
):
    return Radiopharmaceutical.model_validate(
        {
            "id": product_id,
            "name": f"test {nuclide}",
            "nuclide": nuclide,
            "indications": ["test"],
            "administration": "intravenous",
            "typical_activity": "7.4 GBq",
            "cycles": 4,
            "shelf_life": "72 h",
            "production": "no-carrier-added",
            "specific_dose_rate_1m": specific_dose_rate_1m,
            "specific_dose_rate_source": "test value",
            "retention": {"components": list(components), "source": "test model"},
            "source": "built in the tests",
        }
    )
