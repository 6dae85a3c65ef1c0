"""Cost-effectiveness: parametric survival, partitioned survival models, ICERs, PSA, VOI.

Pure engines (no I/O). Typical use::

    from rltcare.economics import model_from_toml, run_deterministic, run_psa, summarise
    model = model_from_toml(text, file="model.toml")
    base = run_deterministic(model)
    psa = summarise(run_psa(model, 10_000, seed=1), model.wtp)
"""

from rltcare.economics.deterministic import DeterministicResult, run_deterministic
from rltcare.economics.guyot import reconstruct
from rltcare.economics.icer import incremental, net_monetary_benefit
from rltcare.economics.model import CurveCrossingWarning, Model
from rltcare.economics.model_file import model_from_dict, model_from_toml
from rltcare.economics.owsa import one_way
from rltcare.economics.psa import run_psa, summarise
from rltcare.economics.survival_fit import fit, fit_all
from rltcare.economics.survival_models import ProportionalHazards, SurvivalCurve
from rltcare.economics.voi import evpi

__all__ = [
    "CurveCrossingWarning",
    "DeterministicResult",
    "Model",
    "ProportionalHazards",
    "SurvivalCurve",
    "evpi",
    "fit",
    "fit_all",
    "incremental",
    "model_from_dict",
    "model_from_toml",
    "net_monetary_benefit",
    "one_way",
    "reconstruct",
    "run_deterministic",
    "run_psa",
    "summarise",
]
