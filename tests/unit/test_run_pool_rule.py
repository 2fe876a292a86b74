"""When `turnout process` spreads a batch over processes: more than one run at once, more than
one core, and a batch large enough that each process gets its share (`MIN_FILES_PER_PROCESS`)."""

from __future__ import annotations

from turnout.distributed.run_pool import MIN_FILES_PER_PROCESS, processes_for


def test_processes_only_when_they_pay() -> None:
    many = 100 * MIN_FILES_PER_PROCESS
    assert processes_for(many, concurrency=4, cores=1) == 1  # one core: threads only
    assert processes_for(many, concurrency=1, cores=8) == 1  # one run at once
    assert processes_for(2 * MIN_FILES_PER_PROCESS - 1, concurrency=4, cores=2) == 1
    assert processes_for(2 * MIN_FILES_PER_PROCESS, concurrency=4, cores=2) == 2
    assert processes_for(many, concurrency=4, cores=8) == 4  # never more than runs at once
    assert processes_for(many, concurrency=8, cores=4) == 4  # never more than cores
    assert processes_for(3 * MIN_FILES_PER_PROCESS, concurrency=8, cores=8) == 3
