"""Chapter 10: why structured cancellation matters, on the seeds' count_down."""
import asyncio


# ANCHOR: main
async def count_down(name, delay, fail_at=None):
    try:
        for n in (3, 2, 1):
            await asyncio.sleep(delay)
            if n == fail_at:
                raise RuntimeError(f"{name} lost count")
            print(f"{name} = {n}")
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(count_down("A", 0.1))
            tg.create_task(count_down("B", 0.07, fail_at=2))
            tg.create_task(count_down("C", 0.04))
    except* RuntimeError as group:
        for error in group.exceptions:
            print(f"failed: {error}")
    print("Done")
# ANCHOR_END: main


asyncio.run(main())
