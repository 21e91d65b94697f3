"""The run lock (screening/store/lock.py): never followed through a symlink, never written when it is
not our own regular file; the refusal names the path."""

import os
from pathlib import Path

import pytest

from screening.errors import RunInProgress, StoreError
from screening.store.lock import lock_path, run_lock

PRECIOUS = "the content of a file the lock must never touch\n"


def plant_symlink(db: Path, target: Path) -> None:
    target.write_text(PRECIOUS)
    lock_path(db).symlink_to(target)


def plant_dangling_symlink(db: Path, target: Path) -> None:
    lock_path(db).symlink_to(target)  # a link to a file that does not exist (yet): O_CREAT would create it


def plant_hard_link(db: Path, target: Path) -> None:
    target.write_text(PRECIOUS)
    os.link(target, lock_path(db))


def plant_folder(db: Path, target: Path) -> None:
    lock_path(db).mkdir()


def plant_fifo(db: Path, target: Path) -> None:
    os.mkfifo(lock_path(db))


def plant_foreign_file(db: Path, target: Path) -> None:
    lock_path(db).write_text(PRECIOUS)
    os.chown(lock_path(db), 65534, 65534)  # nobody


PLANTED = [
    pytest.param(plant_symlink, "a symbolic link", id="symlink-to-a-file"),
    pytest.param(plant_dangling_symlink, "a symbolic link", id="dangling-symlink"),
    pytest.param(plant_hard_link, "a hard link", id="hard-link"),
    pytest.param(plant_folder, "a folder", id="folder"),
    pytest.param(plant_fifo, "not a regular file", id="fifo"),
    pytest.param(plant_foreign_file, "owned by another user", id="another-users-file"),
]


@pytest.mark.parametrize(("plant", "says"), PLANTED)
def test_a_planted_lock_path_is_refused_and_left_intact(tmp_path, plant, says):
    if plant is plant_foreign_file and os.geteuid() != 0:
        pytest.skip("chown to another user needs root")
    db, target = tmp_path / "registry.duckdb", tmp_path / "victim.txt"
    plant(db, target)
    with pytest.raises(StoreError) as refused:
        with run_lock(db):
            pytest.fail("the lock was taken")
    assert not isinstance(refused.value, RunInProgress)
    assert str(lock_path(db)) in str(refused.value) and says in str(refused.value)
    if plant is plant_dangling_symlink:
        assert not target.exists()  # not created through the link
    elif target.exists():
        assert target.read_text() == PRECIOUS


def test_the_lock_is_created_private_and_taken_once(tmp_path):
    db = tmp_path / "registry.duckdb"
    with run_lock(db):
        assert lock_path(db).stat().st_mode & 0o777 == 0o600
        assert lock_path(db).read_text().startswith(f"pid {os.getpid()}")
        with pytest.raises(RunInProgress):
            with run_lock(db):
                pass
    with run_lock(db):  # our own existing lock file is reused
        pass


def test_an_unusable_folder_is_a_store_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="cannot be created"):
        with run_lock(tmp_path / "file" / "registry.duckdb"):
            pass
