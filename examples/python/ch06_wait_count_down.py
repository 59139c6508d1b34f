"""Chapter 6: T3's count_down as T3 writes it: create_task, then wait."""
import asyncio


async def count_down(name, delay):  # the same count_down as chapter 3
    loop = asyncio.get_running_loop()
    indent = "\t" * (ord(name) - ord("A"))
    for n in (3, 2, 1):
        await asyncio.sleep(delay)  # lets the others run
        print("-" * 40)
        print(f"{loop.time() - start:.4f} \t{indent}{name} = {n}")


# ANCHOR: main
async def main():
    global start
    start = asyncio.get_running_loop().time()
    tasks = [
        asyncio.create_task(count_down("A", 1.0)),
        asyncio.create_task(count_down("B", 0.8)),
        asyncio.create_task(count_down("C", 0.5)),
    ]
    done, pending = await asyncio.wait(tasks)
    assert not pending
    print("-" * 40)
    print(f"Done in {asyncio.get_running_loop().time() - start:.4f} s")


asyncio.run(main())
# ANCHOR_END: main
