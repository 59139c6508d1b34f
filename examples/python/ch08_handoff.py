"""Chapter 8: what a lock and a queue do while they hand something on."""
import asyncio


# ANCHOR: main
async def main():
    lock = asyncio.Lock()
    await lock.acquire()

    async def waiter():
        async with lock:
            print(f"lock: the waiter holds it: locked() = {str(lock.locked()).lower()}")

    holder = asyncio.create_task(waiter())
    await asyncio.sleep(0)  # the waiter gets in line
    lock.release()
    print(f"lock: released to a waiter that has not run: locked() = {str(lock.locked()).lower()}")
    await holder

    queue = asyncio.Queue(1)
    queue.put_nowait("first")
    a = asyncio.create_task(queue.put("second"))
    b = asyncio.create_task(queue.put("third"))
    await asyncio.sleep(0)  # both wait for room
    print(f"queue: full; get_nowait() = {queue.get_nowait()}")
    a.cancel()  # room was made for A, which has not run yet
    await asyncio.gather(a, b, return_exceptions=True)
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    print(f"queue: A cancelled, B done: the queue holds {items}")
# ANCHOR_END: main


asyncio.run(main())
