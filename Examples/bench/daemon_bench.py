"""The daemon benchmark (issue 7), run by scripts/bench-daemon: Ringlet's daemon sessions against
terminado (the Jupyter terminal backend) and `ssh localhost` (Debian's openssh-server), in one run,
all measured at the client the same way.

  throughput  `cat` of a 200 MB text file in the terminal, from sending the command line to seeing the
              marker echoed after it, in MB/s (10^6 bytes of the file per second)
  echo        one printable byte at a time into `cat > /dev/null` (the terminal's own echo), time from
              sending it to its echo arriving, p50 and p99
  idle        N sessions (200) created through the API and attached with N WebSocket clients at once:
              the daemon's CPU over 30 idle seconds, its memory and every session's processes' memory

Runs with Debian's /usr/bin/python3 (python3-websockets); the terminado server runs from the
benchmark virtualenv's python. Everything is on loopback, in temporary folders, on free ports, and
every process it starts is stopped at the end, also when it fails.

    /usr/bin/python3 Examples/bench/daemon_bench.py --ringlet .build/release/ringlet \
        --terminado-python .build/bench-venv/bin/python
"""

import argparse
import asyncio
import base64
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import fcntl
import time

import websockets

COLS, ROWS = 120, 30
MARKER = b"__DONE__"
MARKER_COMMAND = 'echo __DO""NE__'
READY = b"__READY__"
READY_COMMAND = 'echo __RE""ADY__'
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

started_processes = []  # Popen objects stopped at exit
extra_pids = {}  # pid -> start time: session processes found, killed at exit if still the same process
scratch = []  # folders removed at exit


def log(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_port(port, process, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} while starting")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout} s")


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# ---------------------------------------------------------------------------------------- terminals


class Terminal:
    """A terminal at the client: send bytes, receive output chunks."""

    name = "?"

    async def send(self, data: bytes):
        raise NotImplementedError

    async def recv(self) -> bytes:
        raise NotImplementedError

    async def close(self):
        pass

    async def recv_until(self, needle: bytes, timeout: float, keep_tail=64):
        """Reads until `needle` appears; returns the bytes read (counted, not kept beyond a tail)."""
        total = 0
        tail = b""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: no {needle!r} within {timeout} s (last output {tail[-200:]!r})")
            chunk = await asyncio.wait_for(self.recv(), left)
            total += len(chunk)
            window = tail + chunk
            if needle in window:
                return total
            tail = window[-max(keep_tail, len(needle)):]

    async def drain(self, quiet=0.3, timeout=10.0):
        """Reads until nothing arrives for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                await asyncio.wait_for(self.recv(), quiet)
            except asyncio.TimeoutError:
                return

    async def run(self, command: str, marker_command=READY_COMMAND, marker=READY, timeout=60.0):
        await self.send((command + "; " + marker_command + "\r").encode())
        return await self.recv_until(marker, timeout)


class WebSocketTerminal(Terminal):
    def __init__(self, name, socket_):
        self.name = name
        self.ws = socket_

    async def close(self):
        await self.ws.close()


class RingletTerminal(WebSocketTerminal):
    """ringlet.v1: binary frames are terminal bytes both ways, text frames JSON control."""

    @classmethod
    async def attach(cls, port, token, session, name="ringlet"):
        socket_ = await websockets.connect(
            f"ws://127.0.0.1:{port}/api/sessions/{session}/attach",
            subprotocols=["ringlet.v1", f"bearer.{token}"], max_size=None, compression=None, open_timeout=30)
        terminal = cls(name, socket_)
        terminal.controls = []
        return terminal

    async def wait_replay_end(self, timeout=30):
        deadline = time.monotonic() + timeout
        while not any(control.get("type") == "replay-end" for control in self.controls):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: no replay-end within {timeout} s")
            await asyncio.wait_for(self.recv_message(), left)

    async def recv_message(self):
        message = await self.ws.recv()
        if isinstance(message, str):
            control = json.loads(message)
            self.controls.append(control)
            if control.get("type") == "exit":
                raise RuntimeError(f"{self.name}: the session exited ({message})")
            return b""
        return message

    async def send(self, data):
        await self.ws.send(data)

    async def recv(self):
        while True:
            data = await self.recv_message()
            if data:
                return data


class TerminadoTerminal(WebSocketTerminal):
    """terminado: JSON text messages ["stdin", text] / ["stdout", text] / ["set_size", rows, cols]."""

    @classmethod
    async def attach(cls, port):
        socket_ = await websockets.connect(f"ws://127.0.0.1:{port}/websocket", max_size=None, compression=None, open_timeout=30)
        terminal = cls("terminado", socket_)
        await socket_.send(json.dumps(["set_size", ROWS, COLS]))
        return terminal

    async def send(self, data):
        await self.ws.send(json.dumps(["stdin", data.decode()]))

    async def recv(self):
        while True:
            message = json.loads(await self.ws.recv())
            if message[0] == "stdout":
                return message[1].encode()
            if message[0] == "disconnect":
                raise RuntimeError("terminado: the terminal ended")


class PtyTerminal(Terminal):
    """A client program (ssh -tt) on a pseudo-terminal of ours: we are its terminal emulator."""

    def __init__(self, name, argv, env):
        self.name = name
        master, replica = os.openpty()
        fcntl.ioctl(replica, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))

        def controlling_terminal():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(argv, stdin=replica, stdout=replica, stderr=replica, env=env,
                                        preexec_fn=controlling_terminal, close_fds=True)
        started_processes.append(self.process)
        os.close(replica)
        os.set_blocking(master, False)
        self.fd = master

    async def send(self, data):
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self.fd, view):]
            except BlockingIOError:
                await asyncio.sleep(0.001)

    async def recv(self):
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
                if not data:
                    raise RuntimeError(f"{self.name}: end of output")
                return data
            except BlockingIOError:
                pass
            except OSError as error:  # EIO: the client exited
                raise RuntimeError(f"{self.name}: {error}")
            loop = asyncio.get_running_loop()
            ready = loop.create_future()
            loop.add_reader(self.fd, lambda: ready.done() or ready.set_result(None))
            try:
                await ready
            finally:
                loop.remove_reader(self.fd)

    async def close(self):
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self.fd)


# -------------------------------------------------------------------------------------------- peers


class Ringlet:
    def __init__(self, binary, workspace, max_sessions):
        self.binary = os.path.abspath(binary)
        self.home = tempfile.mkdtemp(prefix="ringlet-bench-daemon-home.")
        scratch.append(self.home)
        self.env = dict(os.environ, RINGLET_HOME=self.home)
        subprocess.run([self.binary, "profiles", "create", "sh", "--template", "shell", "--workspace", workspace],
                       env=self.env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.daemon_log = os.path.join(self.home, "daemon.stderr")
        with open(self.daemon_log, "wb") as err:
            self.daemon = subprocess.Popen([self.binary, "daemon", "--listen", "127.0.0.1:0", "--max-sessions", str(max_sessions)],
                                           env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        started_processes.append(self.daemon)
        self.port = None
        deadline = time.monotonic() + 30
        while self.port is None:
            if self.daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the daemon did not start: " + open(self.daemon_log).read())
            text = open(self.daemon_log).read()
            if "listening on http://127.0.0.1:" in text:
                self.port = int(text.split("listening on http://127.0.0.1:")[1].split()[0].rstrip("/"))
            else:
                time.sleep(0.05)
        self.token = subprocess.run([self.binary, "daemon", "token"], env=self.env, check=True,
                                    capture_output=True, text=True).stdout.strip()
        self.sessions = []

    def request(self, method, path, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data

    def create_session(self):
        status, data = self.request("POST", "/api/sessions", {"profile": "sh", "cols": COLS, "rows": ROWS})
        if status != 201:
            raise RuntimeError(f"POST /api/sessions: {status} {data[:300]!r}")
        session = json.loads(data)["id"]
        self.sessions.append(session)
        return session

    def host_pids(self):
        """Session hosts of this daemon's home (they are in sessions of their own, found by their socket path)."""
        found = {}
        needle = (self.home + "/run/sessions/").encode()
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as file:
                    argv = file.read().split(b"\0")
            except OSError:
                continue
            if b"session-host" in argv and any(needle in part for part in argv):
                index = argv.index(b"--id") + 1 if b"--id" in argv else None
                found[int(entry)] = argv[index].decode() if index else "?"
        return found

    def end_sessions(self):
        """DELETE every session, then stop the hosts (an exited session's host lingers to stay listed)."""
        for session in list(self.sessions):
            try:
                self.request("DELETE", f"/api/sessions/{session}")
            except OSError:
                pass
        self.sessions.clear()
        hosts = self.host_pids()
        remember(hosts)
        for pid in hosts:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 20
        while self.host_pids() and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in self.host_pids():
            os.kill(pid, signal.SIGKILL)

    def stop(self):
        self.end_sessions()
        self.daemon.terminate()
        try:
            self.daemon.wait(10)
        except subprocess.TimeoutExpired:
            self.daemon.kill()
            self.daemon.wait()


class Terminado:
    def __init__(self, python, server_script):
        self.port = free_port()
        self.process = subprocess.Popen([python, server_script, str(self.port)], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        env=dict(os.environ, TERM="xterm-256color"))
        started_processes.append(self.process)
        wait_port(self.port, self.process, "the terminado server")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Sshd:
    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="ringlet-bench-sshd.")
        scratch.append(self.folder)
        self.port = free_port()
        self.key = os.path.join(self.folder, "client_key")
        host_key = os.path.join(self.folder, "host_key")
        for path in (host_key, self.key):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path], check=True)
        authorized = os.path.join(self.folder, "authorized_keys")
        shutil.copy(self.key + ".pub", authorized)
        os.chmod(authorized, 0o600)
        config = os.path.join(self.folder, "sshd_config")
        with open(config, "w") as file:
            file.write(f"""Port {self.port}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {self.folder}/sshd.pid
AuthorizedKeysFile {authorized}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
PrintLastLog no
UseDNS no
LogLevel ERROR
""")
        # sshd needs its privilege separation folder; the package makes it at boot, which this machine skips.
        self.made_run_folder = not os.path.isdir("/run/sshd")
        if self.made_run_folder:
            os.makedirs("/run/sshd", mode=0o755)
        self.process = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", config], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.folder, "sshd.log"), "wb"))
        started_processes.append(self.process)
        wait_port(self.port, self.process, "sshd")

    def client(self):
        argv = ["ssh", "-tt", "-p", str(self.port), "-i", self.key, "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "localhost"]
        return PtyTerminal("ssh", argv, dict(os.environ, TERM="xterm-256color"))

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.made_run_folder:
            try:
                os.rmdir("/run/sshd")
            except OSError:
                pass


# --------------------------------------------------------------------------------------- measurements


async def ready(terminal, timeout=60):
    """Waits for the shell's prompt (the first output) and syncs with a marker."""
    await asyncio.sleep(0.5)
    await terminal.run("stty sane", timeout=timeout)
    await terminal.drain()


async def throughput(terminal, path, size):
    start = time.perf_counter()
    await terminal.send(f"cat {path}; {MARKER_COMMAND}\r".encode())
    received = await terminal.recv_until(MARKER, timeout=600)
    elapsed = time.perf_counter() - start
    await terminal.drain(quiet=0.2)
    return size / elapsed / 1e6, received, elapsed


async def echo_round_trips(terminal, count):
    """Keystrokes into `cat > /dev/null`: the echo comes from the terminal's line discipline."""
    samples = []
    await terminal.send(b"cat > /dev/null\r")
    await asyncio.sleep(0.3)
    await terminal.drain()
    letters = b"abcdefghijklmnopqrstuvwxyz"
    for index in range(count):
        key = letters[index % 26:index % 26 + 1]
        start = time.perf_counter()
        await terminal.send(key)
        await terminal.recv_until(key, timeout=10)
        samples.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(0.005)
        if index % 50 == 49:
            await terminal.send(b"\r")
            await terminal.recv_until(b"\n", timeout=10)
            await asyncio.sleep(0.005)
    await terminal.send(b"\x04")  # end of file: cat ends
    await terminal.run("true")
    await terminal.drain()
    return samples


def make_file(path, size):
    """`size` bytes of text: lines of 99 printable characters and a newline."""
    line_count = 10_000
    seed = os.urandom(line_count * 75)
    block = b"".join(base64.b64encode(seed[i * 75:(i + 1) * 75])[:99] + b"\n" for i in range(line_count))
    with open(path, "wb") as file:
        written = 0
        while written < size:
            piece = block[:size - written]
            file.write(piece)
            written += len(piece)


# ------------------------------------------------------------------------------------------ /proc


def proc_stat(pid):
    with open(f"/proc/{pid}/stat") as file:
        text = file.read()
    fields = text[text.rindex(")") + 2:].split()
    return {"ppid": int(fields[1]), "cpu": int(fields[11]) + int(fields[12]), "start": int(fields[19])}


def remember(pids):
    """Notes processes to kill at exit, with their start time, so a reused pid is never hit."""
    for pid in pids:
        try:
            extra_pids[pid] = proc_stat(pid)["start"]
        except (OSError, ValueError):
            pass


def proc_memory(pid):
    """(RSS, PSS) in bytes."""
    rss = pss = 0
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
    try:
        with open(f"/proc/{pid}/smaps_rollup") as file:
            for line in file:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


def process_table():
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                table[int(entry)] = proc_stat(int(entry))["ppid"]
            except (OSError, ValueError):
                pass
    return table


def descendants(root, table):
    children = {}
    for pid, ppid in table.items():
        children.setdefault(ppid, []).append(pid)
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            return file.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        try:
            total += proc_stat(pid)["cpu"]
        except (OSError, ValueError):
            pass
    return total


async def idle_sessions(ringlet, count, seconds):
    log(f"idle: creating {count} sessions (each a session host, `ringlet profiles run sh`, bwrap and bash)")
    start = time.monotonic()
    for index in range(count):
        ringlet.create_session()
        if (index + 1) % 25 == 0 or index + 1 == count:
            log(f"  {index + 1}/{count} sessions after {time.monotonic() - start:.1f} s")
    created = time.monotonic() - start
    hosts = ringlet.host_pids()
    remember(hosts)

    log(f"idle: attaching {count} WebSocket clients")
    start = time.monotonic()
    terminals = []
    semaphore = asyncio.Semaphore(20)

    async def attach(session):
        async with semaphore:
            terminal = await RingletTerminal.attach(ringlet.port, ringlet.token, session, name=f"session {session}")
            await terminal.wait_replay_end()
            terminals.append(terminal)

    await asyncio.gather(*(attach(session) for session in list(ringlet.sessions)))
    attached = time.monotonic() - start
    drained = {"bytes": 0}

    async def keep_reading(terminal):
        try:
            while True:
                drained["bytes"] += len(await terminal.recv())
        except Exception:  # closed at the end
            pass

    readers = [asyncio.create_task(keep_reading(terminal)) for terminal in terminals]
    status, data = ringlet.request("GET", "/api/sessions")
    listed = json.loads(data)["sessions"]
    attached_count = sum(1 for session in listed if session.get("attached_clients", 0) >= 1)
    log(f"  {len(terminals)} clients attached in {attached:.1f} s; the daemon lists {len(listed)} sessions, "
        f"{attached_count} with a client; settling 5 s")
    await asyncio.sleep(5)

    table = process_table()
    trees = {host: descendants(host, table) for host in hosts}
    session_pids = [pid for tree in trees.values() for pid in tree]
    remember(session_pids)
    daemon_pid = ringlet.daemon.pid
    client_pid = os.getpid()
    wall0 = time.monotonic()
    daemon0, sessions0, client0 = cpu_ticks([daemon_pid]), cpu_ticks(session_pids), cpu_ticks([client_pid])
    log(f"idle: sampling CPU for {seconds} s")
    await asyncio.sleep(seconds)
    wall = time.monotonic() - wall0
    daemon_cpu = (cpu_ticks([daemon_pid]) - daemon0) / CLOCK_TICKS / wall * 100
    sessions_cpu = (cpu_ticks(session_pids) - sessions0) / CLOCK_TICKS / wall * 100
    client_cpu = (cpu_ticks([client_pid]) - client0) / CLOCK_TICKS / wall * 100

    daemon_rss, daemon_pss = proc_memory(daemon_pid)
    roles = {"host": [0, 0], "run": [0, 0], "sandbox": [0, 0]}
    processes_per_session = []
    for host, tree in trees.items():
        processes_per_session.append(len(tree))
        for pid in tree:
            try:
                rss, pss = proc_memory(pid)
            except OSError:
                continue
            role = "host" if pid == host else "run" if " profiles run " in cmdline(pid) else "sandbox"
            roles[role][0] += rss
            roles[role][1] += pss
    alive_after = sum(1 for host in hosts if os.path.exists(f"/proc/{host}"))

    for reader in readers:
        reader.cancel()
    await asyncio.gather(*(terminal.close() for terminal in terminals), return_exceptions=True)
    return {
        "count": count, "created_s": created, "attached_s": attached, "clients": len(terminals),
        "hosts": len(hosts), "alive_after": alive_after, "listed_attached": attached_count,
        "daemon_cpu": daemon_cpu, "sessions_cpu": sessions_cpu, "client_cpu": client_cpu,
        "daemon_rss": daemon_rss, "daemon_pss": daemon_pss, "roles": roles,
        "processes": statistics.mean(processes_per_session) if processes_per_session else 0,
        "idle_bytes": drained["bytes"],
    }


# ---------------------------------------------------------------------------------------------- main


def mb(value):
    return f"{value / 1e6:.1f} MB"


def verdict(ok):
    return "met" if ok else "not met"


async def measure(args):
    folder = tempfile.mkdtemp(prefix="ringlet-bench-daemon.")
    scratch.append(folder)
    workspace = os.path.join(folder, "workspace")
    os.makedirs(workspace)
    size = args.size_mb * 1_000_000
    big, small = os.path.join(workspace, "big.txt"), os.path.join(workspace, "small.txt")
    make_file(big, size)
    make_file(small, 5_000_000)
    log(f"daemon benchmark: cat of a {args.size_mb} MB file (best of {args.rounds} after a 5 MB warm-up), "
        f"{args.keystrokes} keystrokes, {args.sessions} idle sessions for {args.idle_seconds} s")

    ringlet = Ringlet(args.ringlet, workspace, max(args.sessions, 1))
    terminado = Terminado(args.terminado_python, os.path.join(os.path.dirname(os.path.abspath(__file__)), "terminado_server.py"))
    sshd = Sshd()
    peers = {}
    results = {}
    try:
        session = ringlet.create_session()
        terminal = await RingletTerminal.attach(ringlet.port, ringlet.token, session)
        await terminal.wait_replay_end()
        peers["ringlet"] = terminal
        peers["terminado"] = await TerminadoTerminal.attach(terminado.port)
        peers["ssh"] = sshd.client()
        for name, terminal in peers.items():
            await ready(terminal)

        rates = {name: [] for name in peers}
        for name, terminal in peers.items():
            await throughput(terminal, small, 5_000_000)
        # Where ringlet's CPU goes during its cat: the daemon, the session host, the `ringlet profiles run`
        # inside it (the sandbox's own terminal relay and the asciicast recorder) and this client.
        table = process_table()
        roles = {"daemon": [ringlet.daemon.pid], "host": list(ringlet.host_pids()), "profiles run": [], "client": [os.getpid()]}
        for host in roles["host"]:
            roles["profiles run"] += [pid for pid in descendants(host, table)
                                      if pid != host and " profiles run " in cmdline(pid)]
        for round_ in range(args.rounds):
            for name, terminal in peers.items():
                before = {role: cpu_ticks(pids) for role, pids in roles.items()}
                rate, received, elapsed = await throughput(terminal, big, size)
                rates[name].append(rate)
                detail = ""
                if name == "ringlet":
                    detail = ", CPU " + ", ".join(f"{role} {(cpu_ticks(pids) - before[role]) / CLOCK_TICKS:.2f} s"
                                                  for role, pids in roles.items())
                log(f"  round {round_ + 1} {name:9} {rate:8.1f} MB/s  ({received / 1e6:.1f} MB at the client in {elapsed:.2f} s{detail})")
        results["throughput"] = {name: max(values) for name, values in rates.items()}

        echoes = {name: [] for name in peers}
        blocks = max(1, args.keystrokes // 100)
        for block in range(blocks):
            for name, terminal in peers.items():
                echoes[name] += await echo_round_trips(terminal, args.keystrokes // blocks)
        results["echo"] = {name: (statistics.median(values), percentile(values, 0.99)) for name, values in echoes.items()}

        for terminal in peers.values():
            await terminal.close()
        peers.clear()
        ringlet.end_sessions()
        terminado.stop()
        sshd.stop()

        if args.sessions > 0:
            results["idle"] = await idle_sessions(ringlet, args.sessions, args.idle_seconds)
            log("idle: ending the sessions")
    finally:
        for terminal in peers.values():
            try:
                await terminal.close()
            except Exception:
                pass
        ringlet.stop()
        terminado.stop()
        sshd.stop()
    report(results, args)


def report(results, args):
    log("")
    t = results["throughput"]
    log(f"throughput  ringlet {t['ringlet']:.1f} MB/s   terminado {t['terminado']:.1f} MB/s   ssh {t['ssh']:.1f} MB/s")
    to_terminado, to_ssh = t["ringlet"] / t["terminado"], t["ringlet"] / t["ssh"]
    log(f"            ringlet / terminado = {to_terminado:.2f}x (target >= 2.00x: {verdict(to_terminado >= 2)})"
        f"   ringlet / ssh = {to_ssh:.2f}x (target >= 1.00x: {verdict(to_ssh >= 1)})")
    e = results["echo"]
    log("echo        " + "   ".join(f"{name} p50 {p50:.2f} ms p99 {p99:.2f} ms" for name, (p50, p99) in e.items()))
    p99_ratio = e["ringlet"][1] / e["ssh"][1]
    log(f"            ringlet p99 / ssh p99 = {p99_ratio:.2f}x (target <= 1.00x: {verdict(p99_ratio <= 1)})"
        f"   ringlet p99 / terminado p99 = {e['ringlet'][1] / e['terminado'][1]:.2f}x")
    idle = results.get("idle")
    if idle:
        n = idle["count"]
        log(f"idle        {n} sessions created in {idle['created_s']:.1f} s, {idle['clients']} clients attached in "
            f"{idle['attached_s']:.1f} s ({idle['listed_attached']} listed with a client; {idle['alive_after']}/{idle['hosts']} hosts alive after)")
        log(f"            daemon CPU {idle['daemon_cpu']:.2f}% of a core (target < 5%: {verdict(idle['daemon_cpu'] < 5)})"
            f"   session processes {idle['sessions_cpu']:.2f}%   benchmark client {idle['client_cpu']:.2f}%")
        roles = idle["roles"]
        tree_rss = sum(value[0] for value in roles.values())
        tree_pss = sum(value[1] for value in roles.values())
        log(f"memory      daemon RSS {mb(idle['daemon_rss'])} (PSS {mb(idle['daemon_pss'])}), {idle['daemon_rss'] / n / 1e3:.0f} kB per session")
        log(f"            per session ({idle['processes']:.1f} processes): host RSS {mb(roles['host'][0] / n)} (PSS {mb(roles['host'][1] / n)})"
            f"   profiles run RSS {mb(roles['run'][0] / n)} (PSS {mb(roles['run'][1] / n)})"
            f"   sandbox (bwrap, bash) RSS {mb(roles['sandbox'][0] / n)} (PSS {mb(roles['sandbox'][1] / n)})")
        log(f"            whole tree per session RSS {mb(tree_rss / n)} PSS {mb(tree_pss / n)}; "
            f"with the daemon's share PSS {mb((tree_pss + idle['daemon_pss']) / n)}")
    if args.json:
        with open(args.json, "w") as file:
            json.dump(results, file, indent=2)


def cleanup():
    for process in started_processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 5
    for process in started_processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    for pid, start in extra_pids.items():
        try:
            if proc_stat(pid)["start"] == start:
                os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError):
            pass
    for folder in scratch:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ringlet", default=".build/release/ringlet")
    parser.add_argument("--terminado-python", default=".build/bench-venv/bin/python")
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keystrokes", type=int, default=500)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--idle-seconds", type=int, default=30)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        asyncio.run(measure(args))
    finally:
        cleanup()


if __name__ == "__main__":
    main()
