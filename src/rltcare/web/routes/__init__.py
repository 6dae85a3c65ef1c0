"""Every router of the application, in navigation order."""

from rltcare.web.routes import (
    catalog,
    decay,
    dose_rate,
    economics,
    home,
    national,
    release,
    waste,
)

ROUTERS = [home.router]
for module in (decay, dose_rate, release, waste, economics, national, catalog):
    ROUTERS += [module.api, module.pages]
