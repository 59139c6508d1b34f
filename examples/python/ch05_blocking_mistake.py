"""Chapter 5: T2's classic mistake: a task that calls a blocking sleep."""
import asyncio
import time


# ANCHOR: tasks
async def ticker(ticks):
    loop = asyncio.get_running_loop()
    for n in range(6):
        now = loop.time() - start
        print(f"{now:.4f}: tick {n}")
        ticks.append(now)
        await asyncio.sleep(0.5)


async def my_task(seconds):
    loop = asyncio.get_running_loop()
    await asyncio.sleep(1.2)
    print(f"{loop.time() - start:.4f}: my_task: blocking sleep for {seconds} s")
    time.sleep(seconds)  # the mistake: nothing else runs meanwhile
    print(f"{loop.time() - start:.4f}: my_task: done")
    return "task finished"
# ANCHOR_END: tasks


# ANCHOR: main
async def main(ticks):
    ticker_task = asyncio.create_task(ticker(ticks))
    blocking = asyncio.create_task(my_task(2))
    await ticker_task
    await blocking


loop = asyncio.new_event_loop()
start = loop.time()  # asyncio's clock starts anywhere; ours at the loop's creation
ticks = []
loop.run_until_complete(main(ticks))
# The tick after the longest gap, and when it was due (0.5 s after the one
# before it).
late = max(range(1, len(ticks)), key=lambda n: ticks[n] - ticks[n - 1])
print(
    f"tick {late} was due at {ticks[late - 1] + 0.5:.1f} s "
    f"and came at {ticks[late]:.4f} s"
)
loop.close()
# ANCHOR_END: main
