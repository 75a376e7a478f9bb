"""The load generator, in a process of its own: signed clicks over keep-alive HTTP connections.

It shares no interpreter (and no GIL) with the apps or the Slack stand-in. One asyncio loop sends
every click, so sending costs little and each click is sent when its schedule says:

- open loop: click i is due at `start + i / rate`, whether or not earlier clicks were answered, and
  its latency runs from that due time to the answer, so a stalled server cannot hide behind the
  clicks it delayed (no coordinated omission). A click finding every connection busy opens another.
- closed loop: `clickers` clickers each send a click, wait for its answer, and send the next.

Each click is signed just before it goes out, as Slack does. The HTTP/1.1 exchange is the few lines
below, not a client library: what the generator spends per click is what the figures must not carry.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from bot.localslack import sign

# A click not answered by then counts as failed (Slack itself gives up after three seconds).
ANSWER_WITHIN = 10.0
FAILED = 0


@dataclass
class Sample:
    """What one round measured: each click's latency (seconds) and HTTP status (0: no answer)."""

    latencies: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    seconds: float = 0.0
    # Open loop: the latest any click left after its due time (the generator's own lag).
    worst_send_lag: float = 0.0
    # CPU seconds the app used for the round, its work after the acknowledgements included.
    app_cpu: float = 0.0


@dataclass(frozen=True)
class Order:
    """One round for the generator: `mode` "open" (`rate` clicks/s) or "closed" (`clickers`)."""

    mode: str
    url: str
    bodies: list[str]
    seconds: float
    rate: float = 0.0
    clickers: int = 0


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def post(self, request: bytes) -> tuple[int, bool]:
        """Sends one request; (status, whether the connection can be used again)."""
        self.writer.write(request)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status, length, reusable = int(status_line.split()[1]), 0, True
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                reusable = False
        await self.reader.readexactly(length)
        return status, reusable

    def close(self) -> None:
        self.writer.close()


class Target:
    """One app's events URL and a pool of keep-alive connections to it (like Slack's own)."""

    def __init__(self, url: str, secret: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
        self.secret = secret
        self._idle: list[_Connection] = []

    def _request(self, body: str) -> bytes:
        data = body.encode()
        timestamp = str(int(time.time()))
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(data)}\r\nX-Slack-Request-Timestamp: {timestamp}\r\n"
            f"X-Slack-Signature: {sign(self.secret, timestamp, body)}\r\n\r\n"
        )
        return head.encode() + data

    async def click(self, body: str) -> int:
        """Posts one click; its HTTP status, or FAILED when no answer came."""
        connection = self._idle.pop() if self._idle else None
        try:
            if connection is None or connection.reader.at_eof():
                connection = _Connection(*await asyncio.open_connection(self.host, self.port))
            status, reusable = await asyncio.wait_for(connection.post(self._request(body)), ANSWER_WITHIN)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            if connection is not None:
                connection.close()
            return FAILED
        if reusable:
            self._idle.append(connection)
        else:
            connection.close()
        return status


async def open_loop(target: Target, bodies: list[str], rate: float, seconds: float) -> Sample:
    loop = asyncio.get_running_loop()
    sample = Sample()

    async def click(body: str, due: float) -> None:
        sample.worst_send_lag = max(sample.worst_send_lag, loop.time() - due)
        status = await target.click(body)
        sample.latencies.append(loop.time() - due)
        sample.statuses.append(status)

    count = min(len(bodies), round(rate * seconds))
    start = loop.time() + 0.05
    sent = []
    for index in range(count):
        due = start + index / rate
        if (wait := due - loop.time()) > 0:
            await asyncio.sleep(wait)
        sent.append(asyncio.create_task(click(bodies[index], due)))
    await asyncio.gather(*sent)
    sample.seconds = loop.time() - start
    return sample


async def closed_loop(target: Target, bodies: list[str], clickers: int, seconds: float) -> Sample:
    loop = asyncio.get_running_loop()
    sample = Sample()
    queue = iter(bodies)
    deadline = loop.time() + seconds

    async def clicker() -> None:
        while loop.time() < deadline and (body := next(queue, None)) is not None:
            began = loop.time()
            status = await target.click(body)
            sample.latencies.append(loop.time() - began)
            sample.statuses.append(status)

    began = loop.time()
    await asyncio.gather(*(clicker() for _ in range(clickers)))
    sample.seconds = loop.time() - began
    return sample


def generate(conn: Connection, secret: str) -> None:
    """The generator process: runs each Order it receives and sends back its Sample; None ends it."""
    targets: dict[str, Target] = {}

    async def run(order: Order) -> Sample:
        target = targets.setdefault(order.url, Target(order.url, secret))
        if order.mode == "open":
            return await open_loop(target, order.bodies, order.rate, order.seconds)
        return await closed_loop(target, order.bodies, order.clickers, order.seconds)

    with asyncio.Runner() as runner:
        while (order := conn.recv()) is not None:
            conn.send(runner.run(run(order)))
