"""Chapter 5: in what order a finished task tells those who wait for it."""
import asyncio


# ANCHOR: main
async def watch(task):
    await task
    print("watcher: resumed")


async def main():
    task = asyncio.create_task(asyncio.sleep(0.1))
    task.add_done_callback(lambda _: print("callback 1: called"))
    watcher = asyncio.create_task(watch(task))
    await asyncio.sleep(0)  # the watcher begins to wait
    task.add_done_callback(lambda _: print("callback 2: called"))
    await watcher
    print("main: the watcher is done")
# ANCHOR_END: main


asyncio.run(main())
