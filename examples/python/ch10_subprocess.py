"""Chapter 10: child processes on the loop, with asyncio's subprocesses."""
import asyncio
import time
from asyncio.subprocess import PIPE


# ANCHOR: main
async def run_child(script):
    child = await asyncio.create_subprocess_exec("sh", "-c", script, stdout=PIPE)
    out, _ = await child.communicate()
    print(out.decode(), end="")


async def main():
    start = time.monotonic()
    children = [
        "sleep 0.3; echo A slept 0.3 s",
        "sleep 0.1; echo B slept 0.1 s",
        "sleep 0.2; echo C slept 0.2 s",
    ]
    tasks = [asyncio.create_task(run_child(script)) for script in children]
    for task in tasks:
        await task
    print(f"all three in {time.monotonic() - start:.1f} s, not 0.6")

    tr = await asyncio.create_subprocess_exec("tr", "a-z", "A-Z", stdin=PIPE, stdout=PIPE)
    out, _ = await tr.communicate(b"hello from the parent\n")
    print(f"tr said: {out.decode()}", end="")

    sleeper = await asyncio.create_subprocess_exec("sleep", "10")
    sleeper.kill()
    print(f"sleep 10, killed: returncode {await sleeper.wait()}")
# ANCHOR_END: main


asyncio.run(main())
