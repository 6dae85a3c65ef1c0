"""Every router of the application, in navigation order."""

from rltcare.web.routes import (
    capacity,
    catalog,
    decay,
    dose_rate,
    economics,
    home,
    national,
    outcomes,
    registry,
    release,
    response,
    waste,
)

ROUTERS = [home.router]
for module in (
    decay,
    dose_rate,
    release,
    waste,
    capacity,
    response,
    outcomes,
    economics,
    national,
    catalog,
    registry,
):
    ROUTERS += [module.api, module.pages]
