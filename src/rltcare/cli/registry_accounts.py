"""``rltcare registry users deactivate|reactivate``, ``tokens list|revoke``, ``sessions purge``.

Account operations for the administrator of a deployment; each one is written to
the audit trail (actor ``system``: the person at the server's command line).
"""

from __future__ import annotations

import typer

from rltcare.cli.common import JsonOption, emit

tokens_app = typer.Typer(help="API bearer tokens: list and revoke.", no_args_is_help=True)
sessions_app = typer.Typer(help="Browser sessions: purge expired ones.", no_args_is_help=True)


def _set_active(username: str, active: bool, as_json: bool) -> None:
    from rltcare.cli.registry import _migrated, _session
    from rltcare.registry.access import SYSTEM
    from rltcare.registry.operations import set_active

    with _session(_migrated()) as session:
        user = set_active(session=session, actor=SYSTEM, username=username, active=active)
        emit({"username": user.username, "active": user.active}, as_json)


def register(registry_app: typer.Typer, users_app: typer.Typer) -> None:
    registry_app.add_typer(tokens_app, name="tokens")
    registry_app.add_typer(sessions_app, name="sessions")

    @users_app.command("deactivate")
    def users_deactivate(username: str, as_json: bool = JsonOption) -> None:
        """Stop an account signing in or using its tokens; its browser sessions end now."""
        _set_active(username, False, as_json)

    @users_app.command("reactivate")
    def users_reactivate(username: str, as_json: bool = JsonOption) -> None:
        """Let a deactivated account sign in (and use its unrevoked tokens) again."""
        _set_active(username, True, as_json)


@tokens_app.command("list")
def tokens_list(
    user: str = typer.Option(None, "--user", help="Only this user's tokens."),
    as_json: bool = JsonOption,
) -> None:
    """Every API token: id, owner, label, when issued, whether revoked (never the token)."""
    from rltcare.cli.registry import _migrated, _session
    from rltcare.registry.access import SYSTEM
    from rltcare.registry.operations import list_tokens

    with _session(_migrated()) as session:
        rows = list_tokens(session=session, actor=SYSTEM, username=user)
    if as_json:
        emit(rows, True)
        return
    emit(
        {
            f"{r['id']}": f"{r['username']} '{r['name']}' issued {r['created_at'][:16]}"
            + (" REVOKED" if r["revoked"] else "")
            for r in rows
        },
        False,
        title="API tokens",
    )


@tokens_app.command("revoke")
def tokens_revoke(token_id: int, as_json: bool = JsonOption) -> None:
    """Revoke a token by its id (see `tokens list`); it stops working at once."""
    from rltcare.cli.registry import _migrated, _session
    from rltcare.registry.access import SYSTEM
    from rltcare.registry.operations import revoke_token

    with _session(_migrated()) as session:
        result = revoke_token(session=session, actor=SYSTEM, token_id=token_id)
    emit({"id": result["id"], "name": result["name"], "revoked": True}, as_json)


@sessions_app.command("purge")
def sessions_purge(as_json: bool = JsonOption) -> None:
    """Delete expired browser sessions (also done at every sign-in)."""
    from rltcare.cli.registry import _migrated, _session
    from rltcare.registry.auth import purge_expired_sessions

    with _session(_migrated()) as session:
        emit({"purged": purge_expired_sessions(session=session)}, as_json)
