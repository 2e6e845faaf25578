"""The drills' bookkeeping (ops/drill.py): which writes count as lost or twice, the percentiles,
the recovery time, and the command's refusals. The drills themselves start a server and are run
by hand (docs/benchmarks.md has their figures)."""

import pytest
from django.core.management import CommandError, call_command

from ops import drill
from ops.drill import Outcome, Sample
from orglife.tests.helpers import record


def test_an_acknowledged_write_missing_is_lost_and_one_found_twice_is_a_duplicate(world):
    record(world, topic=f"{drill.MARK}aaa")  # acknowledged, present once
    record(world, topic=f"{drill.MARK}bbb")  # acknowledged, present twice
    record(world, topic=f"{drill.MARK}bbb")
    record(world, topic=f"{drill.MARK}ddd")  # the client heard nothing, written all the same
    record(world, topic="学习党章")  # not the drill's
    outcome = Outcome(samples=[
        Sample("write", 0, 0.01, 201, "aaa"), Sample("write", 0, 0.01, 201, "bbb"),
        Sample("write", 0, 0.01, 201, "ccc"),  # acknowledged, never written: lost
        Sample("write", 0, 0.01, 0, "ddd"), Sample("write", 0, 0.01, 502, "eee"),
        Sample("read", 0, 0.01, 200)])
    writes = drill.check_writes(outcome)
    assert writes.acknowledged == 3
    assert writes.lost == 1
    assert writes.duplicated == 1
    assert writes.unanswered == 2 and writes.unanswered_present == 1


def test_the_summary_takes_p95_over_answered_requests_and_counts_every_status():
    samples = [Sample("read", i / 10, (i + 1) / 1000, 200) for i in range(100)]
    samples += [Sample("read", 20, 9.0, 0), Sample("write", 20, 0.5, 503)]
    result = drill.summary(Outcome(samples=samples))
    assert result["read"]["requests"] == 101
    assert result["read"]["statuses"] == {0: 1, 200: 100}
    assert result["read"]["p50_ms"] == 51.0 and result["read"]["p95_ms"] == 96.0  # the unanswered 9 s left out
    assert result["write"]["statuses"] == {503: 1} and result["write"]["p95_ms"] == 0.0
    assert drill.summary(Outcome(samples=samples), since=15)["read"]["requests"] == 1


def test_recovery_is_the_first_window_after_the_event_with_every_answer_good_and_quick():
    bad = [Sample("read", 10 + i / 2, 2.0, 200) for i in range(8)]  # 10–14 s: answered, too slow
    good = [Sample("read", 14 + i / 2, 0.05, 200) for i in range(40)]
    assert drill.recovered_after(Outcome(samples=bad + good), since=10) == 4.0
    assert drill.recovered_after(Outcome(samples=bad), since=10) is None
    errors = [Sample("read", 10 + i, 0.01, 503) for i in range(3)] + [Sample("read", 13 + i, 0.01, 200) for i in range(10)]
    assert drill.recovered_after(Outcome(samples=errors), since=10) == 3.0


@pytest.mark.parametrize("argv", [["load", "--users", "0"], ["spike", "--users", "50", "--peak", "10"],
                                  ["load", "--writes", "1.5"], ["kill", "--every", "0"]])
def test_bad_parameters_are_refused_in_chinese(argv):
    with pytest.raises(CommandError, match="参数无效"):
        call_command("drill", *argv)


def test_it_refuses_outside_the_demo_mode(db, settings):
    settings.INVENTED_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="演示模式"):
        call_command("drill", "load", "--seconds", "1")


def test_the_database_specific_drills_refuse_the_other_database(db):
    from django.db import connection

    other = "pg-restart" if connection.vendor == "sqlite" else "sqlite-crash"
    with pytest.raises(CommandError, match="只适用于"):
        call_command("drill", other, "--seconds", "1")
