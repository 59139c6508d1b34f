"""Chapter 2: run_forever only returns when something calls stop."""
import asyncio
import time


# ANCHOR: task
async def task(secs, start):
    print(f"task({secs}): please wait {secs} s")
    await asyncio.sleep(secs)
    print(f"task({secs}): ends at {time.monotonic() - start:.4f} s")
# ANCHOR_END: task


# ANCHOR: main
print("-- 1. the first task to finish stops the loop")
start = time.monotonic()
loop = asyncio.new_event_loop()


async def task_then_stop():
    await task(1, start)
    loop.stop()


loop.create_task(task_then_stop())
loop.create_task(task(3, start))
loop.run_forever()
unfinished = len(asyncio.all_tasks(loop))
elapsed = time.monotonic() - start
print(f"loop stopped at {elapsed:.4f} s; {unfinished} task never finished")
loop.close()

print("-- 2. the last task to finish stops the loop")
start = time.monotonic()
loop = asyncio.new_event_loop()


async def gather_both():
    await asyncio.gather(task(1, start), task(3, start))


gathered = loop.create_task(gather_both())
gathered.add_done_callback(lambda _: loop.stop())
loop.run_forever()
unfinished = len(asyncio.all_tasks(loop))
print(
    f"loop stopped at {time.monotonic() - start:.4f} s; "
    f"{unfinished} tasks unfinished"
)

print("-- 3. closing the loop from inside a task")


async def close_inside():
    try:
        loop.close()
        print("close() was accepted")
    except RuntimeError as err:
        print(f"close() refused: {err}")


loop.run_until_complete(close_inside())
loop.close()
print(f"closed from outside: is_closed() = {str(loop.is_closed()).lower()}")
# ANCHOR_END: main
