"""Chapter 2: callbacks scheduled with call_soon, stopped by a callback."""
import asyncio
import functools


# ANCHOR: all
def event_handler(loop, stop=False):
    print("event handler called")
    if stop:
        print("Stopping the loop")
        loop.stop()


loop = asyncio.new_event_loop()
try:
    loop.call_soon(functools.partial(event_handler, loop))
    print("Starting event loop")
    loop.call_soon(functools.partial(event_handler, loop, stop=True))
    loop.run_forever()
finally:
    print("Closing event loop")
    loop.close()
# ANCHOR_END: all
