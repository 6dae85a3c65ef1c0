"""Accounts, their centres, API tokens, web sessions and login failures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rltcare.registry.models import Base, Centre, UTCDateTime, Versioned

user_centre = Table(
    "user_centre",
    Base.metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("centre_id", ForeignKey("centre.id", ondelete="CASCADE"), primary_key=True),
)


class User(Versioned, Base):
    __tablename__ = "app_user"
    username: Mapped[str] = mapped_column(String(80), unique=True)
    # The hash never enters the audit trail or an API response.
    password_hash: Mapped[str] = mapped_column(String(200), info={"audit": False})
    role: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    centres: Mapped[list[Centre]] = relationship(secondary=user_centre, lazy="selectin")

    @property
    def centre_ids(self) -> set[int]:
        return {centre.id for centre in self.centres}


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSession(Base):
    """A signed-in browser: the cookie holds a random key, the database its SHA-256."""

    __tablename__ = "web_session"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """One failed login, counted per username and per client address for rate limiting."""

    __tablename__ = "login_failure"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class Meta(Base):
    """Deployment-wide values, e.g. the key that derives analysts' pseudonyms."""

    __tablename__ = "registry_meta"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(String(400))
