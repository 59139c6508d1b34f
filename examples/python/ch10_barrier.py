"""Chapter 10: a barrier lets three runners through together."""
import asyncio


# ANCHOR: main
async def runner(name, delay, start):
    await asyncio.sleep(delay)
    print(f"{name} arrives ({start.n_waiting} waiting)")
    place = await start.wait()
    print(f"{name} starts, place {place}")


async def main():
    start = asyncio.Barrier(3)
    runners = [
        asyncio.create_task(runner(name, ms / 1000, start))
        for name, ms in [("A", 10), ("B", 30), ("C", 50)]
    ]
    for task in runners:
        await task
    print("Done")
# ANCHOR_END: main


asyncio.run(main())
