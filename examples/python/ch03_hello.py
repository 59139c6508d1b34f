"""Chapter 3: hello 1 / hello 2, two coroutines that sleep 1 s each."""
import asyncio
import time


# ANCHOR: hello
async def hello(n, start):
    await asyncio.sleep(1)
    print(f"Hello from {n} (after {time.monotonic() - start:.4f} s)")
# ANCHOR_END: hello


# ANCHOR: main
async def both(start):
    await asyncio.gather(hello(1, start), hello(2, start))


start = time.monotonic()
loop = asyncio.new_event_loop()
print("start")
loop.run_until_complete(both(start))
print(f"exit after {time.monotonic() - start:.4f} s")
loop.close()
# ANCHOR_END: main
