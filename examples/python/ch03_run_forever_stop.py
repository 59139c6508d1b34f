"""Chapter 3: run_forever stopped by a timer callback."""
import asyncio


# ANCHOR: task
async def task(secs):
    print(f"{loop.time() - start:.4f}: task({secs}) please wait {secs} s")
    await asyncio.sleep(secs)
    print(f"{loop.time() - start:.4f}: task({secs}) ends")
# ANCHOR_END: task


# ANCHOR: main
loop = asyncio.new_event_loop()
start = loop.time()
loop.create_task(task(1))
loop.create_task(task(3))

loop.call_later(2, loop.stop)
loop.run_forever()
unfinished = len(asyncio.all_tasks(loop))
print(f"{loop.time() - start:.4f}: stopped by a timer; {unfinished} task unfinished")

loop.call_later(1.5, loop.stop)
loop.run_forever()
unfinished = len(asyncio.all_tasks(loop))
print(f"{loop.time() - start:.4f}: stopped again; {unfinished} tasks unfinished")
loop.close()
# ANCHOR_END: main
