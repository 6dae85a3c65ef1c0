"""Every router of the application, in navigation order."""

from rltcare.web.routes import (
    capacity,
    catalog,
    decay,
    dose_rate,
    economics,
    home,
    outcomes,
    release,
    response,
    waste,
)

ROUTERS = [home.router]
for module in (decay, dose_rate, release, waste, capacity, response, outcomes, economics, catalog):
    ROUTERS += [module.api, module.pages]
