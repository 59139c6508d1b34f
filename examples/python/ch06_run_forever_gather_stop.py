"""Chapter 6: T5's run_forever, stopped by a done callback on a gather."""
import asyncio


async def task(secs):  # the same task as chapter 3
    print(f"{loop.time() - start:.4f}: task({secs}) please wait {secs} s")
    await asyncio.sleep(secs)
    print(f"{loop.time() - start:.4f}: task({secs}) ends")


# ANCHOR: main
def stop(both):
    ended = "both tasks ended" if both.exception() is None else "the gather failed"
    print(f"{loop.time() - start:.4f}: done callback: {ended}; stopping the loop")
    loop.stop()


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)  # gather, called before the loop runs, finds it here
start = loop.time()
both = asyncio.gather(task(1), task(3))
both.add_done_callback(stop)
loop.run_forever()
unfinished = len(asyncio.all_tasks(loop))
print(f"{loop.time() - start:.4f}: run_forever returned; {unfinished} tasks unfinished")
loop.close()
# ANCHOR_END: main
