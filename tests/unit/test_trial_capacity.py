"""What a process gives trials: one at a time with a bounded line, and a share of the run slots
that production's runs come before."""

from __future__ import annotations

import threading

import pytest

from turnout.domain.trial import TrialsBusy
from turnout.runtime.trial_capacity import MAX_WAITING, RunSlots, TrialTurns


def test_a_trial_run_waits_while_production_fills_the_slots() -> None:
    looks: list[int] = []

    def production() -> int:
        looks.append(1)
        return 4 if len(looks) <= 3 else 3  # every slot taken, then one is free

    slots = RunSlots(4, production)
    with slots.held(limit=1):
        assert len(looks) == 4  # it looked until production left a slot free


def test_trial_runs_never_exceed_their_limit() -> None:
    slots = RunSlots(8, lambda: 0)
    busy, most = [0], [0]
    lock = threading.Lock()
    go = threading.Barrier(6)

    def one() -> None:
        go.wait()
        with slots.held(limit=2):
            with lock:
                busy[0] += 1
                most[0] = max(most[0], busy[0])
            with lock:
                busy[0] -= 1

    threads = [threading.Thread(target=one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 1 <= most[0] <= 2


def test_trials_take_turns_first_come_first_served_and_a_full_line_is_refused() -> None:
    turns = TrialTurns()
    ids = [f"t{i}" for i in range(MAX_WAITING + 1)]
    for trial_id in ids:
        turns.join(trial_id)
    with pytest.raises(TrialsBusy, match="wait for one to finish"):
        turns.join("one-too-many")
    order: list[str] = []
    threads = [
        threading.Thread(target=lambda i=i: _take_turn(turns, i, order)) for i in reversed(ids)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert order == ids
    turns.join("later")  # the line is empty again


def _take_turn(turns: TrialTurns, trial_id: str, order: list[str]) -> None:
    with turns.turn(trial_id):
        order.append(trial_id)
