"""What a process gives trials: its turn (one trial at a time), its share of the run slots, and
the lease that tells other processes it is still running them.

- **One trial at a time per process.** A started trial is stored `running` at once; it waits its
  turn behind the trial this process is running (first come, first served), and at most
  `MAX_WAITING` wait: one more is refused (`TrialsBusy`, HTTP 409) with the fix.
- **A share of the run slots.** A process has `Settings.workers` run slots. The trial it runs
  runs at most max(1, floor(`trial_share` x slots)) runs at once (`trial_share` read as the trial
  begins), and starts a run only while production's runs in this process plus the trial's own
  are fewer than the slots. Production is never held back by a trial: it is admitted as ever,
  and a trial that finds every slot taken waits (looking again every `WAIT_S`) until one is free.
  So production keeps at least the slots the share leaves it, and all of them while it needs
  them; the trial only ever takes free ones.
- **A lease.** Every trial a process holds (running or waiting its turn) has a lease renewed by a
  heartbeat every third of `lease_s` (a `turnout.runtime.leases.LeaseKeeper` with `renew_trials`). Should the process die, the lease expires and the reaper of
  any Turnout process (`TrialService.reap`, with the reaping of orphaned runs) ends the trial
  `failed`, audited: the dashboard and the API stop waiting for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from turnout.domain.trial import TrialsBusy
from turnout.runtime.ports import UnitOfWork

MAX_WAITING = 3  # trials that may wait their turn behind the one a process runs
WAIT_S = 0.05  # how often a trial waiting for a free run slot looks again


class TrialTurns:
    """One trial at a time in a process, `waiting` more in line, first come first served."""

    def __init__(self, waiting: int = MAX_WAITING) -> None:
        self._waiting = waiting
        self._line: list[str] = []
        self._cond = threading.Condition()

    def join(self, trial_id: str) -> None:
        """Take a place in line, or refuse (TrialsBusy) when the line is full."""
        with self._cond:
            if len(self._line) > self._waiting:
                raise TrialsBusy(
                    f"this server runs a trial and has {len(self._line) - 1} more waiting, the "
                    "most it keeps; wait for one to finish (`GET /api/v1/trials`, or the "
                    "dashboard's trial panel) and start this one again"
                )
            self._line.append(trial_id)

    def leave(self, trial_id: str) -> None:
        """Give up a place in line (the trial ended, or was never stored)."""
        with self._cond:
            if trial_id in self._line:
                self._line.remove(trial_id)
            self._cond.notify_all()

    @contextmanager
    def turn(self, trial_id: str) -> Iterator[None]:
        """Wait until `trial_id` is first in line; leave the line afterwards."""
        with self._cond:
            while self._line and self._line[0] != trial_id:
                self._cond.wait()
        try:
            yield
        finally:
            self.leave(trial_id)


class RunSlots:
    """The trial runs of this process in flight: at most `limit` at once, and only while
    production's runs (`production()`) plus these are fewer than `slots`."""

    def __init__(self, slots: int, production: Callable[[], int]) -> None:
        self.slots = max(1, slots)
        self._production = production
        self._busy = 0
        self._cond = threading.Condition()

    @contextmanager
    def held(self, limit: int) -> Iterator[None]:
        with self._cond:
            while self._busy >= limit or self._busy + self._production() >= self.slots:
                self._cond.wait(WAIT_S)  # production's end is not signalled: look again
            self._busy += 1
        try:
            yield
        finally:
            with self._cond:
                self._busy -= 1
                self._cond.notify()


def renew_trials(uow: UnitOfWork, holder: str, lease_s: float, held: list[str]) -> int:
    """How a `LeaseKeeper` renews the leases of the trials a process holds."""
    return uow.trials.renew(holder, lease_s, held)
