"""Response criteria engines: pure functions of dated raw measurements.

Each criterion module offers ``evaluate(patient_data, **options) -> Response``; every
result names the criterion and version and lists the rules that fired with their numbers.
"""

from rltcare.response import eortc, pcwg3, percist, recip, recist
from rltcare.response.base import Assessment, Response, Rule

CRITERIA = {"pcwg3": pcwg3, "recist": recist, "percist": percist, "eortc": eortc, "recip": recip}

__all__ = [
    "CRITERIA",
    "Assessment",
    "Response",
    "Rule",
    "eortc",
    "pcwg3",
    "percist",
    "recip",
    "recist",
]
