"""Chapter 6: T5's gather(task1(1), task2(3))."""
import asyncio


# ANCHOR: tasks
async def task1(seconds):
    loop = asyncio.get_running_loop()
    print(f"{loop.time() - start:.4f}: task1 please wait {seconds} s")
    await asyncio.sleep(seconds)
    print(f"{loop.time() - start:.4f}: task1 ends")
    return "one"


async def task2(seconds):
    loop = asyncio.get_running_loop()
    print(f"{loop.time() - start:.4f}: task2 please wait {seconds} s")
    await asyncio.sleep(seconds)
    print(f"{loop.time() - start:.4f}: task2 ends")
    return 2
# ANCHOR_END: tasks


# ANCHOR: main
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)  # gather, called before the loop runs, finds it here
start = loop.time()
word, number = loop.run_until_complete(asyncio.gather(task1(1), task2(3)))
print(f'{loop.time() - start:.4f}: gather returned ("{word}", {number})')
loop.close()
# ANCHOR_END: main
