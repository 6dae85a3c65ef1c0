import numpy as np
import pytest

from rltcare.economics.guyot import reconstruct
from rltcare.errors import InputError


def test_uncensored_curve_gives_back_the_events():
    """Ten patients, deaths at 1..10 months, no censoring: S drops by 0.1 at each month."""
    t = np.arange(1, 11, dtype=float)
    s = 1 - t / 10
    ipd = reconstruct(t, s, [0, 5], [10, 6])
    assert ipd.n == 10
    assert ipd.event.sum() == 10
    assert np.sort(ipd.time) == pytest.approx(t)


def test_censoring_between_risk_times_is_placed_in_the_interval():
    """10 at risk; 2 events by month 2 (S 0.8), 3 censored by month 4 (5 at risk), then 1
    event at month 5 (S 0.8 × 4/5 = 0.64)."""
    ipd = reconstruct([1, 2, 5], [0.9, 0.8, 0.64], [0, 4], [10, 5], total_events=3)
    assert ipd.n == 10
    assert ipd.event.sum() == 3
    censored = ipd.time[ipd.event == 0]
    assert np.sum((censored > 0) & (censored < 4)) == 3


def test_bad_input():
    with pytest.raises(InputError, match="start"):
        reconstruct([1, 2], [0.9, 0.8], [1, 2], [10, 9])
    with pytest.raises(InputError, match="survival within"):
        reconstruct([1, 2], [1.2, 0.8], [0], [10])
    with pytest.raises(InputError, match="two digitised"):
        reconstruct([1], [0.9], [0], [10])
