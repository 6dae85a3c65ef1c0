"""Every router of the application, in navigation order."""

from rltcare.web.routes import catalog, home

ROUTERS = [
    home.router,
    catalog.api,
    catalog.pages,
]
