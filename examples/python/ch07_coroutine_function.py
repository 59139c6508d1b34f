"""Chapter 7: asyncio asks at run time whether a callback is a coroutine
function, and in debug mode refuses one where a plain function belongs."""
import asyncio


# ANCHOR: all
async def task(seconds):
    print(f"please wait {seconds} seconds")
    await asyncio.sleep(seconds)
    print("ends")


def handler():
    print("handler called")


print("iscoroutinefunction(task):", asyncio.iscoroutinefunction(task))
print("iscoroutinefunction(handler):", asyncio.iscoroutinefunction(handler))
loop = asyncio.new_event_loop()
loop.set_debug(True)  # the check below is made in debug mode only
try:
    loop.call_soon_threadsafe(task, 1)
except TypeError as err:
    print("call_soon_threadsafe(task, 1):", err)
loop.close()
# ANCHOR_END: all
