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
largest_gap = max(b - a for a, b in zip(ticks, ticks[1:]))
print(f"largest gap between ticks: {largest_gap:.2f} s (it should be 0.50 s)")
loop.close()
# ANCHOR_END: main
