"""Chapter 7: CPU-bound work on a thread pool, then on a process pool.

Python threads take turns holding one interpreter lock (the GIL), so
CPU-bound jobs on a thread pool are no faster with 2 workers than with 1.
A process pool runs them in two interpreters, on two cores at once.

The counts go to stdout; the times go to stderr, since they depend on the
machine (the output check compares stdout only)."""
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

BELOW = 100_000


# ANCHOR: job
def count_primes(n):
    """Counts the primes below n by trial division: pure CPU work."""
    return sum(
        all(k % d != 0 for d in range(2, math.isqrt(k) + 1)) for k in range(2, n)
    )
# ANCHOR_END: job


# ANCHOR: main
def run_on(pool, workers):
    """Runs the two jobs on a pool of workers, and gives their counts and
    the seconds it took."""
    with pool(max_workers=workers) as executor:
        start = time.monotonic()
        counts = list(executor.map(count_primes, [BELOW, BELOW]))
        return counts, time.monotonic() - start


if __name__ == "__main__":  # a process pool's workers may import this file
    print(f"Two CPU-bound jobs, each counting the primes below {BELOW}.")
    counts, one = run_on(ThreadPoolExecutor, 1)
    print(f"threads, 1 worker:    {counts}")
    counts, two = run_on(ThreadPoolExecutor, 2)
    print(f"threads, 2 workers:   {counts}")
    counts, procs = run_on(ProcessPoolExecutor, 2)
    print(f"processes, 2 workers: {counts}")
    print(
        f"(times, on stderr) threads 1 worker: {one:.2f} s, "
        f"threads 2 workers: {two:.2f} s ({one / two:.1f}x),\n"
        f"    processes 2 workers: {procs:.2f} s ({one / procs:.1f}x)",
        file=sys.stderr,
    )
# ANCHOR_END: main
