"""Request and response models per table, derived from the ORM columns.

For each table ``T`` there is ``T.Create`` (what a client sends to add a row),
``T.Update`` (every field optional, plus the ``version`` the edit is based on),
``T.Public`` (a stored row) and ``T.List`` (``data``, ``count``, ``offset``, ``limit``).
Ranges, codes and activity units come from the columns' ``info`` (see models.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)

from rltcare.registry.models import CLINICAL, Base
from rltcare.registry.rules import check_date, check_order, check_pseudonym, normalise_lab
from rltcare.registry.vocab import CODES
from rltcare.units import Activity

#: Columns a client never sends: keys and the locking counter (parents come from the URL).
SERVER_SIDE = {"id", "version", "patient_id"}


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _incoming_type(column) -> Any:
    """The type of a value a client sends: the stored type plus checks of its format."""
    kind = _field_type(column)
    if column.info.get("format") == "pseudonym":
        kind = Annotated[kind, AfterValidator(check_pseudonym)]
    return kind


def _field_type(column) -> Any:
    info = column.info
    if "codes" in info:
        kind: Any = Literal[CODES[info["codes"]]]  # type: ignore[valid-type]
    elif info.get("unit") == "MBq":
        kind = Activity
    elif isinstance(column.type.python_type, type) and column.type.python_type is dt.datetime:
        kind = AwareDatetime
    else:
        kind = column.type.python_type
    if kind is dt.date:
        kind = Annotated[dt.date, AfterValidator(lambda v, _n=column.name: check_date(v, _n))]
    if kind is str and getattr(column.type, "length", None):
        kind = Annotated[str, Field(max_length=column.type.length)]
    return kind


def _constraints(column) -> dict[str, Any]:
    out: dict[str, Any] = {"description": column.info.get("doc")}
    if column.info.get("min") is not None:
        out["ge"] = column.info["min"]
    if column.info.get("max") is not None:
        out["le"] = column.info["max"]
    return out


def _row_rules(table: str):
    """Checks across the fields of one row, after each field has been parsed."""

    def check(row: BaseModel) -> BaseModel:
        values = row.__dict__
        if table == "lab_result":
            values.update(normalise_lab(values))
        check_order(table, values)
        return row

    return check


@dataclass(frozen=True)
class Schemas:
    table: str
    Create: type[BaseModel]
    Update: type[BaseModel]
    Public: type[BaseModel]
    List: type[BaseModel]


def _schemas(model: type[Base]) -> Schemas:
    name = model.__name__
    table = model.__tablename__
    create_fields, update_fields, public_fields = {}, {}, {}
    for column in model.__table__.columns:
        kind = _field_type(column)
        limits = _constraints(column)
        public_fields[column.name] = (kind | None, None) if column.nullable else (kind, ...)
        if column.name in SERVER_SIDE:
            continue
        kind = _incoming_type(column)  # stored rows are read as they are; new values checked
        default = column.default.arg if column.default is not None else None
        required = not column.nullable and column.default is None
        create_fields[column.name] = (
            kind if required else kind | None,
            Field(... if required else default, **limits),
        )
        update_fields[column.name] = (kind | None, Field(None, **limits))
    validators = {"rules": model_validator(mode="after")(_row_rules(table))}
    create = create_model(
        f"{name}Create", __base__=Model, __validators__=validators, **create_fields
    )
    update_fields["version"] = (
        int,
        Field(..., ge=1, description="The version this edit is based on"),
    )
    update = create_model(f"{name}Update", __base__=Model, **update_fields)
    public = create_model(
        f"{name}Public", __config__=ConfigDict(from_attributes=True), **public_fields
    )
    listing = create_model(
        f"{name}List", data=(list[public], ...), count=(int, ...), offset=(int, 0), limit=(int, 100)
    )
    return Schemas(table, create, update, public, listing)


SCHEMAS: dict[str, Schemas] = {model.__tablename__: _schemas(model) for model in CLINICAL}
