"""Chapter 1: a generator-based coroutine beside an async def one."""
import asyncio
import threading
import time
import types

start = time.monotonic()


# ANCHOR: generator
@types.coroutine
def old_style(name, secs):
    # Before Python 3.5, coroutines were generators driven with `yield from`.
    print(f"{name}: running on thread {threading.current_thread().name}")
    yield from asyncio.sleep(secs)
    elapsed = time.monotonic() - start
    thread = threading.current_thread().name
    print(f"{name}: back after {elapsed:.4f} s, on thread {thread}")
# ANCHOR_END: generator


# ANCHOR: async_def
async def new_style(name, secs):
    print(f"{name}: running on thread {threading.current_thread().name}")
    await asyncio.sleep(secs)
    elapsed = time.monotonic() - start
    thread = threading.current_thread().name
    print(f"{name}: back after {elapsed:.4f} s, on thread {thread}")
# ANCHOR_END: async_def


async def main():
    first = old_style("coroutine 1 (generator)", 5)
    second = new_style("coroutine 2 (async def)", 5)
    print("both coroutines created; nothing has run yet")
    await asyncio.gather(first, second)
    elapsed = time.monotonic() - start
    print(f"both done after {elapsed:.4f} s, not 10: the waits overlapped")


asyncio.run(main())
