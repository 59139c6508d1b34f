"""Chapter 3: call_later and call_at, and a timer cancelled in time."""
import asyncio


# ANCHOR: handler
def handler(loop, by):
    print(f"{loop.time() - start:.4f}: handler called by {by}")
# ANCHOR_END: handler


# ANCHOR: main
loop = asyncio.new_event_loop()
start = loop.time()  # asyncio's clock starts anywhere; ours at the loop's creation
print(f"{loop.time() - start:.4f}: loop time at the start")

later = loop.call_later(1, handler, loop, "call_later")
print(f"call_later(1 s) is due at {later.when() - start:.4f}")


def handler_then_stop():
    handler(loop, "call_at")
    loop.stop()


at = loop.call_at(loop.time() + 2, handler_then_stop)
print(f"call_at(time() + 2 s) is due at {at.when() - start:.4f}")

never = loop.call_later(1.5, handler, loop, "a cancelled timer")
never.cancel()
cancelled = str(never.cancelled()).lower()
print(f"call_later(1.5 s) cancelled before it fired: cancelled() = {cancelled}")

loop.run_forever()
print(f"{loop.time() - start:.4f}: loop stopped")
loop.close()
# ANCHOR_END: main
