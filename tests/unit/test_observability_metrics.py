"""The observer's Prometheus metrics: what each event counts, read back through the registry, and
labels that stay bounded however many runs go through."""

from __future__ import annotations

import datetime as dt
import inspect
import io
import threading

import pytest

from turnout.domain.runs import AttemptOutcome, Run, RunStatus, StageAttempt
from turnout.observability import MetricsAndLogsObserver, TurnoutMetrics, make_logger
from turnout.runtime.observer import RunObserver

T0 = dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)


def new_run(run_id: str = "run-1", version: int = 3) -> Run:
    return Run(
        run_id=run_id,
        file_name=f"{run_id}-invoice.pdf",
        config_id=f"config-{version}",
        config_version=version,
        status=RunStatus.RUNNING,
        created_at=T0,
        started_at=T0,
    )


def attempt(
    run: Run,
    stage: str,
    module: str | None,
    outcome: AttemptOutcome,
    n: int = 1,
    ms: float = 2.0,
    error: str | None = None,
) -> StageAttempt:
    return StageAttempt(run.run_id, stage, module, n, outcome, ms, T0, error)


def finish(run: Run, status: RunStatus) -> Run:
    run.status = status
    run.finished_at = T0 + dt.timedelta(milliseconds=40)
    return run


def observer() -> tuple[MetricsAndLogsObserver, TurnoutMetrics]:
    metrics = TurnoutMetrics()
    return MetricsAndLogsObserver(metrics, make_logger("DEBUG", io.StringIO())), metrics


def sample(metrics: TurnoutMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def outcomes(metrics: TurnoutMetrics, stage: str, module: str, outcome: str) -> float | None:
    return sample(
        metrics, "turnout_stage_outcomes_total", stage=stage, module=module, outcome=outcome
    )


def test_the_observer_implements_every_method_of_the_run_observer_protocol() -> None:
    methods = [n for n, v in vars(RunObserver).items() if callable(v) and not n.startswith("_")]
    assert {"run_admitted", "attempt_finished", "run_finished", "module_substituted"} <= set(
        methods
    )
    for name in methods:
        ours = vars(MetricsAndLogsObserver).get(name)
        assert ours is not None, f"MetricsAndLogsObserver lacks {name}"
        assert inspect.signature(ours) == inspect.signature(getattr(RunObserver, name)), name


def test_each_attempt_is_counted_and_timed_by_stage_module_and_outcome() -> None:
    obs, metrics = observer()
    run = new_run()
    obs.run_admitted(run, 0.0)
    for a in [
        attempt(run, "intake", "intake.standard", AttemptOutcome.OK, ms=2.0),
        attempt(run, "einvoice", None, AttemptOutcome.SKIPPED, ms=0.0),
        attempt(run, "text", "text.pdfium", AttemptOutcome.FAILED, ms=5.0, error="boom"),
        attempt(run, "text", "text.ocr", AttemptOutcome.FALLBACK, n=2, ms=7.0),
        attempt(run, "extract", "extract.heuristic", AttemptOutcome.TIMEOUT, ms=30.0),
        attempt(run, "extract", "extract.heuristic", AttemptOutcome.OK, n=2, ms=3.0),
        attempt(run, "normalize", "normalize.standard", AttemptOutcome.CONTRACT_VIOLATION),
        attempt(run, "validate", "validate.basic", AttemptOutcome.REJECTED),
        attempt(run, "intake", "intake.standard", AttemptOutcome.OK, ms=4.0),
    ]:
        obs.attempt_finished(run, a)

    assert outcomes(metrics, "intake", "intake.standard", "ok") == 2
    assert outcomes(metrics, "einvoice", "none", "skipped") == 1
    assert outcomes(metrics, "text", "text.pdfium", "failed") == 1
    assert outcomes(metrics, "text", "text.ocr", "fallback") == 1
    assert outcomes(metrics, "extract", "extract.heuristic", "timeout") == 1
    # an ok on a second attempt is a success after a retry
    assert outcomes(metrics, "extract", "extract.heuristic", "retried") == 1
    assert outcomes(metrics, "extract", "extract.heuristic", "ok") is None
    assert outcomes(metrics, "normalize", "normalize.standard", "contract_violation") == 1
    assert outcomes(metrics, "validate", "validate.basic", "rejected") == 1
    labels = {"stage": "intake", "module": "intake.standard", "outcome": "ok"}
    assert sample(metrics, "turnout_stage_duration_seconds_count", **labels) == 2
    assert sample(metrics, "turnout_stage_duration_seconds_sum", **labels) == pytest.approx(0.006)
    assert sample(
        metrics, "turnout_stage_duration_seconds_bucket", **labels, le="0.005"
    ) == pytest.approx(2)
    assert sample(
        metrics, "turnout_stage_duration_seconds_bucket", **labels, le="0.001"
    ) == pytest.approx(0)


def test_runs_in_flight_are_counted_per_version_and_finished_runs_per_status() -> None:
    obs, metrics = observer()
    first, second = new_run("a"), new_run("b")
    obs.run_admitted(first, 0.0)
    obs.run_admitted(second, 0.5)
    assert sample(metrics, "turnout_runs_in_flight", config_version="3") == 2
    assert sample(metrics, "turnout_active_config_version") == 3

    obs.run_finished(finish(first, RunStatus.COMPLETED_WITH_FALLBACK))
    obs.run_finished(finish(second, RunStatus.FAILED))
    assert sample(metrics, "turnout_runs_in_flight", config_version="3") == 0
    assert sample(metrics, "turnout_runs_total", status="completed_with_fallback") == 1
    assert sample(metrics, "turnout_runs_total", status="failed") == 1


def test_a_run_finished_without_being_admitted_here_never_drives_in_flight_negative() -> None:
    obs, metrics = observer()
    obs.run_finished(finish(new_run("from-another-worker"), RunStatus.COMPLETED))
    assert (sample(metrics, "turnout_runs_in_flight", config_version="3") or 0) == 0
    assert sample(metrics, "turnout_runs_total", status="completed") == 1


def test_a_pending_activation_pauses_the_gate_and_the_switch_records_its_wait() -> None:
    obs, metrics = observer()
    old = new_run("old", version=1)
    obs.run_admitted(old, 0.0)
    obs.gate_changed(True, 2)
    assert sample(metrics, "turnout_admission_paused") == 1
    assert sample(metrics, "turnout_pending_activation_version") == 2

    obs.run_finished(finish(old, RunStatus.COMPLETED))
    obs.activation_switched(2, 0.25)
    obs.gate_changed(False, None)
    assert sample(metrics, "turnout_admission_paused") == 0
    assert sample(metrics, "turnout_pending_activation_version") == 0
    assert sample(metrics, "turnout_active_config_version") == 2
    assert sample(metrics, "turnout_activation_wait_seconds_count") == 1
    assert sample(metrics, "turnout_activation_wait_seconds_sum") == pytest.approx(0.25)
    # the drained old version leaves the in-flight gauge, so its label set stays small
    assert sample(metrics, "turnout_runs_in_flight", config_version="1") is None


def test_an_old_version_still_draining_keeps_its_in_flight_count_after_the_switch() -> None:
    obs, metrics = observer()
    old = new_run("old", version=1)
    obs.run_admitted(old, 0.0)
    obs.activation_switched(2, 1.5)  # forced: the old run is still in flight
    assert sample(metrics, "turnout_runs_in_flight", config_version="1") == 1
    obs.run_finished(finish(old, RunStatus.COMPLETED))
    assert sample(metrics, "turnout_runs_in_flight", config_version="1") is None


def test_breaker_states_map_to_zero_one_two_and_an_unknown_state_is_refused() -> None:
    obs, metrics = observer()
    for state, value in [("open", 2), ("half_open", 1), ("closed", 0)]:
        obs.breaker_changed("text", "text.pdfium", state)
        assert sample(metrics, "turnout_breaker_state", stage="text", module="text.pdfium") == value
    with pytest.raises(ValueError, match="use one of closed, half_open, open"):
        obs.breaker_changed("text", "text.pdfium", "ajar")


def test_module_substitutions_are_counted_per_stage_and_module() -> None:
    obs, metrics = observer()
    obs.module_substituted("text", "text.tesseract", "text.ocr", "tesseract is not installed")
    obs.module_substituted("text", "text.tesseract", "text.ocr", "tesseract is not installed")
    total = sample(
        metrics, "turnout_module_substitutions_total", stage="text", module="text.tesseract"
    )
    assert total == 2


def test_labels_stay_bounded_and_never_carry_a_run_id_or_file_name() -> None:
    obs, metrics = observer()

    def feed(count: int) -> None:
        for i in range(count):
            run = new_run(f"run-{i:04d}-6f1c2a")
            obs.run_admitted(run, 0.0)
            obs.attempt_finished(run, attempt(run, "intake", "intake.standard", AttemptOutcome.OK))
            obs.attempt_finished(run, attempt(run, "text", "text.pdfium", AttemptOutcome.FAILED))
            obs.run_finished(finish(run, RunStatus.FAILED))

    feed(1)
    series_after_one = len(metrics.render().splitlines())
    feed(200)
    exposition = metrics.render().decode()
    assert len(exposition.splitlines()) == series_after_one
    assert "run-0" not in exposition and "invoice.pdf" not in exposition
    assert sample(metrics, "turnout_runs_total", status="failed") == 201


def test_two_metrics_objects_in_one_process_do_not_share_values() -> None:
    first, second = TurnoutMetrics(), TurnoutMetrics()
    first.set_gate(True, 7)
    assert first.registry.get_sample_value("turnout_admission_paused") == 1
    assert second.registry.get_sample_value("turnout_admission_paused") == 0
    assert b"turnout_admission_paused 0.0" in second.render()


def test_in_flight_stays_exact_when_threads_admit_and_finish_runs_at_once() -> None:
    obs, metrics = observer()
    peak: list[float] = []

    def work(worker: int) -> None:
        for i in range(300):
            run = new_run(f"w{worker}-{i}")
            obs.run_admitted(run, 0.0)
            peak.append(sample(metrics, "turnout_runs_in_flight", config_version="3") or 0)
            obs.run_finished(finish(run, RunStatus.COMPLETED))

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sample(metrics, "turnout_runs_in_flight", config_version="3") == 0
    assert sample(metrics, "turnout_runs_total", status="completed") == 2400
    assert min(peak) >= 1 and max(peak) <= 8
