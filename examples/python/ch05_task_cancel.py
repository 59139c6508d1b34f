"""Chapter 5: T2's task.cancel(): a task cancelled while it sleeps."""
import asyncio


def say(loop, what):
    print(f"{loop.time() - start:.4f}: {what}")


# ANCHOR: sleeper
async def sleeper():
    loop = asyncio.get_running_loop()
    say(loop, "sleeper: going to sleep for 10 s")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        say(loop, "sleeper: CancelledError at its await; cleaning up")
        raise  # swallowing it would un-cancel the task
    say(loop, "sleeper: woke up")
    return "rested"
# ANCHOR_END: sleeper


# ANCHOR: main
async def cancel_after_one_second():
    loop = asyncio.get_running_loop()
    task = asyncio.create_task(sleeper())
    await asyncio.sleep(1)
    say(loop, f"main: cancel() = {str(task.cancel()).lower()}")
    say(loop, f"main: done() = {str(task.done()).lower()}: "
              "it lands when the loop next runs the task")
    try:
        result = await task
        say(loop, f"main: the task returned {result}")
    except asyncio.CancelledError:
        say(loop, "main: awaiting the task raised CancelledError")
    say(loop, f"main: cancelled() = {str(task.cancelled()).lower()}, "
              f"cancel() again = {str(task.cancel()).lower()}")


loop = asyncio.new_event_loop()
start = loop.time()  # asyncio's clock starts anywhere; ours at the loop's creation
loop.run_until_complete(cancel_after_one_second())
say(loop, "the loop is done, 9 s before the sleep would have ended")
loop.close()
# ANCHOR_END: main
