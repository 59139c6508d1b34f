"""Chapter 7: T3's blocking count_down, run through run_in_executor on a
pool of 3 workers.

Chapter 3's count_down_sequential ran the blocking version one after the
other (6.9 s). The function stays blocking; each call runs on a worker
thread of its own, and the loop awaits the three. About 3.0 s, the counts
interleaved as in the async version: C3 B3 A3 C2 C1 B2 A2 B1 A1."""
import asyncio
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def count_down(name, delay, start):  # chapter 3's blocking count_down
    indent = "\t" * (ord(name) - ord("A"))
    for n in (3, 2, 1):
        time.sleep(delay)  # blocks the worker thread, not the loop
        # One write for both lines, so that counts printed from several
        # threads never mix.
        sys.stdout.write(
            f"{'-' * 40}\n{time.monotonic() - start:.4f} \t{indent}{name} = {n}\n"
        )
        sys.stdout.flush()


# ANCHOR: main
async def main(executor, start):
    loop = asyncio.get_running_loop()
    jobs = [
        loop.run_in_executor(executor, count_down, name, delay, start)
        for name, delay in [("A", 1.0), ("B", 0.8), ("C", 0.5)]
    ]
    await asyncio.gather(*jobs)
    print("-" * 40)
    print(f"Done in {time.monotonic() - start:.4f} s")


with ThreadPoolExecutor(max_workers=3) as executor:
    start = time.monotonic()
    asyncio.run(main(executor, start))
# ANCHOR_END: main
