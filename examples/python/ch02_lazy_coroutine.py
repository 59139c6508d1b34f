"""Chapter 2: calling an async def function runs nothing until it is scheduled."""
import asyncio


# ANCHOR: all
async def say_hello(name):
    print(f"hello, {name}")


loop = asyncio.new_event_loop()

coroutine = say_hello("world")
print('called say_hello("world"): got a coroutine, nothing printed yet')

loop.create_task(coroutine)
print("made it a task: still nothing, the loop is not running")

loop.run_until_complete(asyncio.sleep(0))
print("the loop ran: the task's body ran on its first step")

never = say_hello("nobody")
del never  # Python warns on stderr: "coroutine 'say_hello' was never awaited"
print("a coroutine dropped without being awaited never runs its body")

loop.close()
# ANCHOR_END: all
