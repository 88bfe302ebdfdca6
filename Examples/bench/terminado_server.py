"""The terminado peer for scripts/bench-daemon: a Tornado app serving terminado's TermSocket, one new
/bin/bash per WebSocket (UniqueTermManager), on 127.0.0.1:PORT. This is how Jupyter serves terminals.

Run with the benchmark virtualenv's python (terminado and tornado installed there):
    .build/bench-venv/bin/python Examples/bench/terminado_server.py PORT
It prints "listening PORT" once it accepts connections and serves until SIGTERM.
"""

import asyncio
import signal
import sys

import terminado
import tornado.web


async def main(port: int) -> None:
    manager = terminado.UniqueTermManager(shell_command=["/bin/bash"], max_terminals=300)
    app = tornado.web.Application([(r"/websocket", terminado.TermSocket, {"term_manager": manager})])
    server = app.listen(port, "127.0.0.1")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    print(f"listening {port}", flush=True)
    await stop.wait()
    server.stop()
    await manager.shutdown()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
