"""Every router of the application, in navigation order."""

from rltcare.web.routes import capacity, catalog, decay, dose_rate, home, release, waste

ROUTERS = [home.router]
for module in (decay, dose_rate, release, waste, capacity, catalog):
    ROUTERS += [module.api, module.pages]
