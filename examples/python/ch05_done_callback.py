"""Chapter 5: T5's done callback: ensure_future, add_done_callback, run."""
import asyncio


# ANCHOR: task
async def task(seconds):
    loop = asyncio.get_running_loop()
    print(f"{loop.time() - start:.4f}: please wait {seconds} seconds")
    await asyncio.sleep(seconds)
    print(f"{loop.time() - start:.4f}: ends")
    return f"slept {seconds} s"


def callback(future):
    loop = future.get_loop()
    try:
        print(f"{loop.time() - start:.4f}: callback: result() = {future.result()}")
    except Exception as err:
        print(f"{loop.time() - start:.4f}: callback: the task failed: {err!r}")
# ANCHOR_END: task


# ANCHOR: main
loop = asyncio.new_event_loop()
start = loop.time()  # asyncio's clock starts anywhere; ours at the loop's creation
future = asyncio.ensure_future(task(3), loop=loop)
future.add_done_callback(callback)
result = loop.run_until_complete(future)
print(f"{loop.time() - start:.4f}: run_until_complete returned {result!r}")
loop.close()
# ANCHOR_END: main
