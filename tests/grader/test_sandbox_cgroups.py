"""A sandbox's cgroups are removed after it, with any others left empty, while other sandboxes
(one per worker process) sweep the same folder at the same time."""

from __future__ import annotations

from grader.sandbox.launcher import Cgroup


def test_a_sweep_goes_on_past_a_group_another_sweep_removed_and_keeps_busy_ones(tmp_path):
    parent = tmp_path / "memory" / "tangent-sandbox"
    own, busy, gone = parent / "own", parent / "busy", parent / "gone"
    for group in (own, busy, gone):
        group.mkdir(parents=True)
    (own / "cgroup.procs").write_text("")
    (busy / "cgroup.procs").write_text("4242\n")
    # `gone` has lost its files: another sandbox's sweep is removing it as this one reads
    cgroup = object.__new__(Cgroup)  # on folders standing in for cgroupfs, no limits written
    cgroup.paths = [own]

    cgroup.remove()

    assert (busy / "cgroup.procs").read_text() == "4242\n"
