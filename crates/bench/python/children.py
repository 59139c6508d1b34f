"""One round of the subprocess bench with asyncio: N children of `true`,
one after another, then N at once; prints µs per child for each."""
import asyncio
import sys
import time


async def main(n):
    start = time.perf_counter()
    for _ in range(n):
        child = await asyncio.create_subprocess_exec("true")
        await child.wait()
    one_by_one = (time.perf_counter() - start) / n * 1e6
    start = time.perf_counter()
    children = [await asyncio.create_subprocess_exec("true") for _ in range(n)]
    for child in children:
        await child.wait()
    at_once = (time.perf_counter() - start) / n * 1e6
    print(f"{one_by_one:.1f} {at_once:.1f}")


asyncio.run(main(int(sys.argv[1])))
