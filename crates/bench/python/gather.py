#!/usr/bin/env python3
"""CPython's asyncio side of the gather benchmark.

The Rust side is `cargo bench -p stepio-bench --features peers --bench gather`.
Run this one with `python3 crates/bench/python/gather.py` (about 10-30 s).

Everything runs in one event loop (`asyncio.run(main())`), timed with
time.perf_counter; each workload has one untimed warm-up round, then the
median of its timed rounds is printed, one machine-readable line each:

- gather_100000_yield_once: `gather` of 100,000 coroutines that each
  `await asyncio.sleep(0)` once (yield once) and return. Making the
  coroutines is inside the timing. Reported per coroutine and in total.
- count_down_sleep0: T3's count_down with the sleeps scaled to 0: tasks A, B
  and C, each looping 3 times over `await asyncio.sleep(0)`, made with
  create_task and awaited with asyncio.wait. Repeated ITERS times per
  round; reported per repetition.
- hello_sleep0: T1's hello with sleep 0: gather(hello(1), hello(2)), where
  hello awaits asyncio.sleep(0) once. Repeated ITERS times per round;
  reported per repetition.

Nothing prints inside the workloads.

`gather.py gather N ROUNDS` runs only the gather, of N coroutines, for
ROUNDS timed rounds, and `gather.py count_down ROUNDS` only count_down (the
`compare` program's seed rows and scaling table call it so, between their
own rounds).
"""
import asyncio
import gc
import platform
import statistics
import sys
import time

TASKS = 100_000
GATHER_ROUNDS = 7
ITERS = 10_000
ROUNDS = 5


async def yield_once():
    await asyncio.sleep(0)


async def count_down(name, delay):
    for _n in (3, 2, 1):
        await asyncio.sleep(delay)


async def count_down_trio():
    tasks = [
        asyncio.create_task(count_down("A", 0)),
        asyncio.create_task(count_down("B", 0)),
        asyncio.create_task(count_down("C", 0)),
    ]
    await asyncio.wait(tasks)


async def hello(n):
    await asyncio.sleep(0)


async def hello_pair():
    await asyncio.gather(hello(1), hello(2))


async def gather_round(tasks=TASKS):
    """Seconds for one gather of `tasks` coroutines."""
    start = time.perf_counter()
    await asyncio.gather(*(yield_once() for _ in range(tasks)))
    return time.perf_counter() - start


async def repeat_round(scenario):
    """Seconds for ITERS runs of scenario, one after the other."""
    start = time.perf_counter()
    for _ in range(ITERS):
        await scenario()
    return time.perf_counter() - start


async def timed(rounds, one_round):
    """The median of `rounds` timed rounds, after one untimed warm-up."""
    await one_round()
    times = []
    for _ in range(rounds):
        gc.collect()
        times.append(await one_round())
    return statistics.median(times)


async def gather_only(tasks, rounds):
    median = await timed(rounds, lambda: gather_round(tasks))
    print(f"gather_{tasks}_yield_once median_ns_per_task={median / tasks * 1e9:.0f} rounds={rounds}")


async def main():
    if sys.argv[1:2] == ["gather"]:
        await gather_only(int(sys.argv[2]), int(sys.argv[3]))
        return
    if sys.argv[1:2] == ["count_down"]:
        median = await timed(int(sys.argv[2]), lambda: repeat_round(count_down_trio))
        print(f"count_down_sleep0 median_ns_per_iter={median / ITERS * 1e9:.0f}")
        return
    print(f"# CPython {platform.python_version()}, asyncio {type(asyncio.get_running_loop()).__name__}")

    median = await timed(GATHER_ROUNDS, gather_round)
    print(
        f"gather_{TASKS}_yield_once median_ns_per_task={median / TASKS * 1e9:.0f}"
        f" median_total_ms={median * 1e3:.1f} rounds={GATHER_ROUNDS}"
    )

    for name, scenario in [("count_down_sleep0", count_down_trio), ("hello_sleep0", hello_pair)]:
        median = await timed(ROUNDS, lambda: repeat_round(scenario))
        print(f"{name} median_ns_per_iter={median / ITERS * 1e9:.0f} iters={ITERS} rounds={ROUNDS}")


if __name__ == "__main__":
    asyncio.run(main())
