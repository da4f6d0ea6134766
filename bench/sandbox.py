"""Sandbox benchmark: per-job cost of the warm fork server against a fresh sandbox per job, the
cost of confinement, and grading throughput with two worker processes.

    python bench/sandbox.py [--jobs N]

Every figure is printed beside its baseline from the same run (these machines are noisy).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.answers import code
from grader.sandbox import Call, Job, Sandbox, sandbox_status
from grader.sandbox.forkserver import begin_fresh
from grader.sandbox.jobs import converse
from grader.spec import PartDef

TRIVIAL = "import numpy as np\n\n\ndef double(z):\n    return 2 * np.asarray(z)\n"
D_SIGMA = "import numpy as np\n\n\ndef d_sigma(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - s)\n"
ROOT = Path(__file__).resolve().parent.parent
D_SIGMA_PART = PartDef(
    "code",
    "code",
    config={
        "function": "d_sigma",
        "tests_path": str(ROOT / "exercises/m3-chain-rule-and-neural-networks/m3-d-sigma/tests.py"),
    },
)


def trivial_job() -> Job:
    return Job(TRIVIAL, "double", [Call((np.arange(5.0) + i,)) for i in range(5)])


def timed(action, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def run_fresh(job: Job) -> None:
    conversation = begin_fresh(Sandbox().setup, job.seconds, job.memory_mb)
    result = converse(conversation, job, [])
    conversation.finish()
    assert result.outcomes[-1].kind == "value"


def throughput_worker(kind: str, seconds: float, queue: multiprocessing.Queue) -> None:
    """One worker process: its own fork server, as many jobs as fit in `seconds`."""
    sandbox = Sandbox()
    job = trivial_job()
    if kind == "grade":
        code.grade(D_SIGMA_PART, {}, {"code": D_SIGMA})
    else:
        sandbox.run(job)
    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if kind == "grade":
            assert code.grade(D_SIGMA_PART, {}, {"code": D_SIGMA}).score == 1
        else:
            sandbox.run(job)
        done += 1
    sandbox.stop()
    queue.put(done)


def throughput(kind: str, workers: int, seconds: float) -> float:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [
        context.Process(target=throughput_worker, args=(kind, seconds, queue))
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    total = sum(queue.get() for _ in processes)
    for process in processes:
        process.join()
    return total / seconds


def quantiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200, help="fork-server jobs to time")
    parser.add_argument("--fresh", type=int, default=20, help="fresh-sandbox jobs to time")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each throughput run")
    args = parser.parse_args()

    health = sandbox_status()
    if health["status"] == "unavailable":
        print("sandbox unavailable:", "; ".join(health["missing"]))
        sys.exit(1)
    sandbox = Sandbox()
    job = trivial_job()
    for _ in range(10):
        sandbox.run(job)
    confinement = []

    def fork_job() -> None:
        result = sandbox.run(job)
        assert result.outcomes[-1].kind == "value" and result.mode == "fork-server"
        confinement.append(result.confine_seconds * 1000)

    fork = quantiles(timed(fork_job, args.jobs))
    sandbox.stop()
    run_fresh(job)
    fresh = quantiles(timed(lambda: run_fresh(job), args.fresh))
    confine = quantiles(confinement)

    single = throughput("run", 1, args.seconds)
    double = throughput("run", 2, args.seconds)
    graded_single = throughput("grade", 1, args.seconds)
    graded_double = throughput("grade", 2, args.seconds)

    print(
        f"sandbox: {health['status']}"
        + (f" ({'; '.join(health['missing'])})" if health["missing"] else "")
    )
    print("per job: a trivial numpy function, 5 tests (milliseconds)")
    print(f"  {'':34} {'median':>8} {'p95':>8}")
    print(f"  {'fresh bwrap + python + numpy':34} {fresh[0]:8.1f} {fresh[1]:8.1f}   (baseline)")
    print(f"  {'fork server':34} {fork[0]:8.1f} {fork[1]:8.1f}   {fresh[0] / fork[0]:.1f}x faster")
    print(
        f"  {'  of which confinement in the job':34} {confine[0]:8.2f} {confine[1]:8.2f}   "
        f"rlimits + Landlock + seccomp, {confine[0] / fork[0]:.0%} of the job"
    )
    print("throughput (jobs per second)")
    print(f"  {'sandbox jobs, 1 worker process':34} {single:8.0f}   (baseline)")
    print(f"  {'sandbox jobs, 2 worker processes':34} {double:8.0f}   {double / single:.2f}x")
    print(f"  {'graded m3-d-sigma, 1 worker':34} {graded_single:8.0f}   (baseline)")
    print(
        f"  {'graded m3-d-sigma, 2 workers':34} {graded_double:8.0f}   {graded_double / graded_single:.2f}x"
    )


if __name__ == "__main__":
    main()
