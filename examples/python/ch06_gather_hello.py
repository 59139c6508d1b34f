"""Chapter 6: T1's hello 1 / hello 2, run together with gather."""
import asyncio
import time


async def hello(n, start):  # the same hello as chapter 3
    await asyncio.sleep(1)
    print(f"Hello from {n} (after {time.monotonic() - start:.4f} s)")


# ANCHOR: main
start = time.monotonic()
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)  # gather, called before the loop runs, finds it here
print("start")
both = asyncio.gather(hello(1, start), hello(2, start))
loop.run_until_complete(both)
print(f"exit after {time.monotonic() - start:.4f} s")
loop.close()
# ANCHOR_END: main
