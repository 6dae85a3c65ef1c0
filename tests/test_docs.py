"""The documentation is run: every ``$ rltcare ...`` line in a ```console block of docs/ and
README.md executes (with its ``\\``-continued lines), and exits 2 exactly when the block
shows an ``error:`` line for it.

Commands run in an empty folder in which ``docs/`` and ``examples/`` link to the
repository's, so examples may read shipped files and write their outputs freely."""

import re
import shlex
from pathlib import Path

import pytest

from rltcare.cli import main

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def joined(lines: list[str], index: int) -> tuple[str, int]:
    """The command starting at ``lines[index]`` with its ``\\``-continued lines, and the next index."""
    command = lines[index]
    while command.endswith("\\") and index + 1 < len(lines):
        index += 1
        command = command[:-1].rstrip() + " " + lines[index].strip()
    return command, index + 1


def examples() -> list:
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for block in BLOCK.findall(path.read_text(encoding="utf-8")):
            lines = block.splitlines()
            for index, line in enumerate(lines):
                if line.startswith("$ rltcare "):
                    command, after = joined(lines, index)
                    following = lines[after : after + 1]
                    expect_error = bool(following) and following[0].startswith("error:")
                    found.append(
                        pytest.param(command[2:], expect_error, id=f"{path.name}:{command[2:60]}")
                    )
    return found


def test_continued_lines_are_joined() -> None:
    lines = ["$ rltcare simulate a.toml \\", "      -n 2 --seed 1 \\", "  --json -", "out"]
    assert joined(lines, 0) == ("$ rltcare simulate a.toml -n 2 --seed 1 --json -", 3)
    assert joined(["$ rltcare version", "error: x"], 0) == ("$ rltcare version", 1)


@pytest.mark.parametrize(("command", "expect_error"), examples())
def test_documented_command_runs(command, expect_error, tmp_path, monkeypatch, capsys):
    for folder in ("docs", "examples"):
        if (ROOT / folder).is_dir():
            (tmp_path / folder).symlink_to(ROOT / folder, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(command)[1:]
    with pytest.raises(SystemExit) as info:
        main(argv)
    code = info.value.code or 0
    assert code == (2 if expect_error else 0), capsys.readouterr().err
