"""Chapter 5: T2's task: create_task, run to completion, then result()."""
import asyncio


# ANCHOR: my_task
async def my_task(seconds):
    loop = asyncio.get_running_loop()
    print(
        f"{loop.time() - start:.4f}: "
        f"This task is taking {seconds} seconds to complete"
    )
    await asyncio.sleep(seconds)
    return "task finished"
# ANCHOR_END: my_task


# ANCHOR: main
loop = asyncio.new_event_loop()
start = loop.time()  # asyncio's clock starts anywhere; ours at the loop's creation
task = loop.create_task(my_task(seconds=2))
print(
    f"{loop.time() - start:.4f}: created {task.get_name()}, "
    f"done() = {str(task.done()).lower()}"
)
try:
    print(f"result() = {task.result()}")
except asyncio.InvalidStateError as err:
    print(f"result() before the run: invalid state: {err}")
result = loop.run_until_complete(task)
print(
    f"{loop.time() - start:.4f}: done() = {str(task.done()).lower()}, "
    f"run_until_complete returned {result!r}"
)
# asyncio keeps the result: ask as often as you like
print(f"result() = {task.result()}")
loop.close()
# ANCHOR_END: main
