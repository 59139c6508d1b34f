"""Chapter 6: wait with FIRST_COMPLETED and a timeout, then wait_for."""
import asyncio


# ANCHOR: download
async def download(name, seconds):
    """Pretends to download name, which takes seconds."""
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        loop = asyncio.get_running_loop()
        print(f"{loop.time() - start:.4f}: {name}: cancelled before it finished")
        raise
    return f"{name} done"
# ANCHOR_END: download


def names(tasks):
    """The tasks' names, sorted (wait gives sets)."""
    return "[" + ", ".join(sorted(task.get_name() for task in tasks)) + "]"


# ANCHOR: main
async def main():
    global start
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = [
        asyncio.create_task(download(name, seconds), name=name)
        for name, seconds in [("fast", 0.5), ("medium", 1.5), ("slow", 3.0)]
    ]

    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print(
        f"{loop.time() - start:.4f}: FIRST_COMPLETED: "
        f"done {names(done)}, pending {names(pending)}"
    )

    done, pending = await asyncio.wait(pending, timeout=0.5)
    print(
        f"{loop.time() - start:.4f}: timeout 0.5 s: "
        f"done {names(done)}, pending {names(pending)}"
    )

    medium, slow = sorted(pending, key=asyncio.Task.get_name)
    result = await asyncio.wait_for(medium, 1)
    print(f'{loop.time() - start:.4f}: wait_for(medium, 1 s): "{result}"')
    try:
        result = await asyncio.wait_for(slow, 1)
        print(f'{loop.time() - start:.4f}: wait_for(slow, 1 s): "{result}"')
    except TimeoutError:
        print(f"{loop.time() - start:.4f}: wait_for(slow, 1 s): timed out after 1s")
    unfinished = len(asyncio.all_tasks()) - 1  # not counting main
    print(f"{loop.time() - start:.4f}: {unfinished} tasks unfinished")


asyncio.run(main())
# ANCHOR_END: main
