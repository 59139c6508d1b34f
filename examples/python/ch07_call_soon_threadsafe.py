"""Chapter 7: the call_soon scenario, sent from another thread."""
import asyncio
import functools
import threading


# ANCHOR: all
def event_handler(loop, stop=False):
    print("event handler called")
    if stop:
        print("Stopping the loop")
        loop.stop()


def other_thread(loop):
    # call_soon from here would not be safe; the threadsafe one wakes the loop.
    loop.call_soon_threadsafe(functools.partial(event_handler, loop))
    loop.call_soon_threadsafe(functools.partial(event_handler, loop, stop=True))


loop = asyncio.new_event_loop()
try:
    thread = threading.Thread(target=other_thread, args=(loop,))
    print("Starting event loop")
    thread.start()
    loop.run_forever()
    thread.join()
finally:
    print("Closing event loop")
    loop.close()
# ANCHOR_END: all
