"""Sandbox benchmark: per-job cost of the warm fork server against a fresh sandbox per job, the
cost of confinement, and grading throughput with two worker processes.

    python bench/sandbox.py [--jobs N]

Every figure is printed beside its baseline from the same run (these machines are noisy).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
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
        "tests_source": (
            ROOT / "exercises/m3-chain-rule-and-neural-networks/m3-d-sigma/tests.py"
        ).read_text(),
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


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of `pid`, its descendants and their reaped children (the fork server's jobs)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(value) for value in fields[11:15])
            for task in Path(f"/proc/{current}/task").glob("*/children"):
                todo += [int(child) for child in task.read_text().split()]
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def cpu_per_job(sandbox: Sandbox, job: Job, count: int) -> tuple[float, float]:
    """Milliseconds of CPU per job in the worker and in the sandbox (load-independent cost)."""
    worker_before = time.process_time()
    sandbox_before = tree_cpu_seconds(sandbox.server.proc.pid)
    for _ in range(count):
        sandbox.run(job)
    worker = (time.process_time() - worker_before) / count * 1000
    return worker, (tree_cpu_seconds(sandbox.server.proc.pid) - sandbox_before) / count * 1000


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
    load_before = os.getloadavg()[0]
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
    worker_cpu, sandbox_cpu = cpu_per_job(sandbox, job, args.jobs)
    sandbox.stop()
    run_fresh(job)
    fresh = quantiles(timed(lambda: run_fresh(job), args.fresh))
    confine = quantiles(confinement)
    single = throughput("run", 1, args.seconds)
    double = throughput("run", 2, args.seconds)
    graded_single = throughput("grade", 1, args.seconds)
    graded_double = throughput("grade", 2, args.seconds)

    missing = f" ({'; '.join(health['missing'])})" if health["missing"] else ""
    print(f"sandbox: {health['status']}{missing}")
    print(f"load average: {load_before:.2f} before, {os.getloadavg()[0]:.2f} after (2 cores)")
    print("per job: a trivial numpy function, 5 tests      median      p95   vs baseline  target")
    rows = [
        ("fresh bwrap + python + numpy (ms)", fresh, "baseline", ""),
        ("fork server (ms)", fork, f"{fresh[0] / fork[0]:.1f}x faster", "< 10 ms, >= 10x"),
        ("  of which confinement (ms)", confine, f"{confine[0] / fork[0]:.0%} of a job", "<= 2 ms"),
    ]
    for label, (median, p95), ratio, target in rows:
        print(f"  {label:42} {median:8.2f} {p95:8.2f}   {ratio:12} {target}")
    cpu = worker_cpu + sandbox_cpu
    print(
        f"CPU per fork-server job: {cpu:.2f} ms ({worker_cpu:.2f} worker + {sandbox_cpu:.2f} sandbox),"
    )
    print(f"  so two idle cores could run about {2000 / cpu:.0f} jobs per second")
    print("throughput (jobs per second)")
    rows = [
        ("sandbox jobs, 1 worker process", single, "baseline", ""),
        ("sandbox jobs, 2 worker processes", double, f"{double / single:.2f}x", ""),
        ("graded m3-d-sigma, 1 worker process", graded_single, "baseline", ""),
        (
            "graded m3-d-sigma, 2 worker processes",
            graded_double,
            f"{graded_double / graded_single:.2f}x",
            ">= 100/s",
        ),
    ]
    for label, rate, ratio, target in rows:
        print(f"  {label:42} {rate:8.0f}            {ratio:12} {target}")


if __name__ == "__main__":
    main()
