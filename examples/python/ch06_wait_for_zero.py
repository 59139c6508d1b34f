"""Chapter 6: wait_for with no time at all."""
import asyncio


# ANCHOR: main
async def work(name):
    print(f"{name}: runs a step")
    await asyncio.sleep(0.1)
    return name


async def main():
    try:
        await asyncio.wait_for(work("coroutine"), 0)
    except TimeoutError:
        print("wait_for(coroutine, 0): TimeoutError, and it never ran")
    fresh = asyncio.create_task(work("fresh task"))
    try:
        await asyncio.wait_for(fresh, 0)
    except TimeoutError:
        print("wait_for(fresh task, 0): TimeoutError, and it never ran")
    finished = asyncio.create_task(asyncio.sleep(0, "its result"))
    await asyncio.sleep(0.01)
    print(f"wait_for(finished task, 0) = {await asyncio.wait_for(finished, 0)}")
# ANCHOR_END: main


asyncio.run(main())
