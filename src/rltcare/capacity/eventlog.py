"""A flat event log of one replication, one row per service or exit (like Ciw's data records).

Columns: ``id_number``, ``indication``, ``node`` (referral, mdt, eligibility_pet,
consultation, cycle, post_therapy_imaging, follow_up, deferral, overrun, bumped, exit), ``cycle``, ``arrival_date`` (ready for the
step), ``service_start_date``, ``service_end_date``, ``waiting_time``,
``resource`` and ``outcome``; times in hours from the start of the run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rltcare.capacity.booking import (
    BUMPED,
    DIED,
    DROPPED_OUT,
    NEVER_BOOKED,
    OVERRAN,
    SCREENED_OUT,
    WAITING,
)
from rltcare.capacity.engine import RunResult

_OUTCOMES = {
    SCREENED_OUT: "screened out",
    DIED: "died waiting",
    DROPPED_OUT: "dropped out",
    NEVER_BOOKED: "never booked",
    WAITING: "still waiting",
}


def event_log(run: RunResult) -> pd.DataFrame:
    """Every record of the replication, sorted by time."""
    m, c = run.model, run.cohort
    names = np.array([ind.name for ind in m.indications])
    ids = np.arange(c.n)
    frames = [
        _rows(
            ids, names[c.indication], "referral", c.referral_h, c.referral_h, c.referral_h, "", ""
        )
    ]
    ready = c.referral_h
    home = np.array([ind.centre for ind in m.indications], dtype=np.int64)[c.indication]
    for node, times, attr in (
        ("mdt", run.mdt_h, "mdt"),
        ("eligibility_pet", run.pet_h, "pet"),
        ("consultation", run.consultation_h, "consultation"),
    ):
        steps = [getattr(centre, attr) for centre in m.centres]
        res = np.array(["" if x is None else x.name for x in steps])[home]
        done = np.isfinite(times)
        if done.any():
            frames.append(
                _rows(
                    ids[done],
                    names[c.indication[done]],
                    node,
                    ready[done],
                    times[done],
                    times[done],
                    res[done],
                    "served",
                )
            )
            ready = np.where(done, times, ready)
    cyc = run.cycles
    if cyc.size:
        p = cyc[:, 0].astype(int)
        res_names = np.array([r.name for r in m.resources])[cyc[:, 5].astype(int)]
        frame = _rows(
            p,
            names[cyc[:, 6].astype(int)],  # the treating centre's, when routed
            "cycle",
            cyc[:, 2],
            cyc[:, 3],
            cyc[:, 4],
            res_names,
            "treated",
        )
        frame["cycle"] = cyc[:, 1].astype(int) + 1
        frames.append(frame)
        done = np.isfinite(run.imaging_h)
        if done.any():
            imaging = _rows(
                p[done],
                names[c.indication[p[done]]],
                "post_therapy_imaging",
                run.imaging_ready_h[done],
                run.imaging_h[done],
                run.imaging_h[done],
                "",
                "scanned",
            )
            imaging["cycle"] = cyc[done, 1].astype(int) + 1
            frames.append(imaging)
    seen = np.isfinite(run.follow_up_h)
    if seen.any():
        frames.append(
            _rows(
                ids[seen],
                names[c.indication[seen]],
                "follow_up",
                run.follow_up_ready_h[seen],
                run.follow_up_h[seen],
                run.follow_up_h[seen],
                "",
                "seen",
            )
        )
    for code, node, outcome in (
        (OVERRAN, "overrun", "stayed longer than booked"),
        (BUMPED, "bumped", "booking moved by an overrun"),
    ):
        mine = run.upsets[run.upsets[:, 1] == code] if run.upsets.size else run.upsets
        if len(mine):
            p, t = mine[:, 2].astype(int), mine[:, 0]
            frames.append(_rows(p, names[c.indication[p]], node, t, t, t, "", outcome))
    if run.deferrals.size:
        p = run.deferrals[:, 0].astype(int)
        t = run.deferrals[:, 1]
        frames.append(
            _rows(
                p, names[c.indication[p]], "deferral", t, t, t, "", "unfit on the day; dose wasted"
            )
        )
    gone = np.isin(run.status, list(_OUTCOMES)) & (run.status != WAITING) & np.isfinite(run.exit_h)
    if gone.any():
        outcome = np.array([_OUTCOMES[s] for s in run.status[gone]])
        frames.append(
            _rows(
                ids[gone],
                names[c.indication[gone]],
                "exit",
                c.referral_h[gone],
                run.exit_h[gone],
                run.exit_h[gone],
                "",
                outcome,
            )
        )
    log = pd.concat(frames, ignore_index=True)
    log["waiting_time"] = log["service_start_date"] - log["arrival_date"]
    return log.sort_values(["service_start_date", "id_number"], kind="stable").reset_index(
        drop=True
    )


def _rows(ids, indication, node, arrival, start, end, resource, outcome) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id_number": ids,
            "indication": indication,
            "node": node,
            "cycle": 0,
            "arrival_date": arrival,
            "service_start_date": start,
            "service_end_date": end,
            "resource": resource,
            "outcome": outcome,
        }
    )
