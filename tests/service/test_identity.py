"""Process identity: ``host:pid:token`` owners of unfinished jobs, and which owners are dead."""

from __future__ import annotations

import subprocess

from dispatch.service.identity import owner_is_dead, process_owner


def test_owner_of_a_previous_process_with_the_same_pid_is_dead():
    host, pid, _ = process_owner().split(":")
    assert owner_is_dead(f"{host}:{pid}:previous")
    assert not owner_is_dead(process_owner())


def test_owner_on_this_host_whose_pid_has_exited_is_dead():
    host = process_owner().split(":")[0]
    dead = subprocess.Popen(["true"])
    dead.wait()
    assert owner_is_dead(f"{host}:{dead.pid}:old")


def test_owners_on_other_hosts_and_malformed_owners_are_never_dead():
    for owner in ("other-host:1:abc", "not-an-owner", f"{process_owner().split(':')[0]}:x:y"):
        assert not owner_is_dead(owner)
