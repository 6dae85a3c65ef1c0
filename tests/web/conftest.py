"""Web fixtures for the registry: a migrated app on each back end, its world, and tokens."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from registry.conftest import engine, fast_password_hashing, registry_settings  # noqa: F401
from registry.factories import make_world
from rltcare.registry import auth, migrate
from rltcare.registry.db import make_sessionmaker
from rltcare.web.app import create_app


@pytest.fixture
def registry_app(registry_settings, engine):  # noqa: F811
    app = create_app(registry_settings)
    migrate.upgrade(app.state.engine)
    with make_sessionmaker(app.state.engine)() as session:
        world = make_world(session)
        world.tokens = {
            n: auth.issue_token(session=session, user=u) for n, u in world.users.items()
        }
    with TestClient(app) as client:
        client.world = world
        yield client
