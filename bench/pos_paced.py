"""Open-loop load for bench/pos_throughput.py: purchases sent at a fixed rate, whatever the answers.

A closed loop (each client waits for its answer before sending the next) slows down with the
server and so hides queueing; tills do not wait for each other. Here request n is due at
n / rate seconds, sent then on a new connection (as a till does, and as gunicorn's sync workers
want), and its latency runs from when it was due to when its answer is read: a late send counts
against the server, not for it (no coordinated omission).

    from pos_paced import run_paced
    rate, p50_ms, p99_ms, statuses = run_paced(port, key, members, rate=400, seconds=15)
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
import uuid
from typing import Any

CATEGORIES = ["dairy", "produce", "bakery", "meat", "drinks", "household"]


def purchase_body(rng: random.Random, members: list[str]) -> dict[str, Any]:
    """A till's receipt: 3-6 lines of the bench's categories, one in five redeeming 10 points."""
    lines = [
        {
            "sku": f"SKU{rng.randrange(5000)}",
            "category": rng.choice(CATEGORIES),
            "quantity": str(rng.randint(1, 3)),
            "amount": f"{rng.randint(50, 900)}.{rng.randint(0, 99):02d}",
        }
        for _ in range(rng.randint(3, 6))
    ]
    return {
        "member_id": rng.choice(members),
        "lines": lines,
        "redeem_points": 10 if rng.random() < 0.2 else 0,
    }


def _request(port: int, key: str, members: list[str], rng: random.Random) -> bytes:
    body = json.dumps(purchase_body(rng, members)).encode()
    head = (
        f"POST /api/v1/purchases HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {key}\r\nIdempotency-Key: {uuid.uuid4()}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


async def _one(port: int, payload: bytes, due: float) -> tuple[float, int]:
    """Send at `due` (loop time); (seconds from due to the whole answer, HTTP status; 0: failed)."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, due - loop.time()))
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(payload)
        answer = await reader.read()  # the server closes the connection after its answer
        writer.close()
        status = int(answer.split(b" ", 2)[1])
    except (OSError, ValueError, IndexError):
        status = 0
    return loop.time() - due, status


async def _paced(
    port: int, key: str, members: list[str], rate: float, seconds: float
) -> list[tuple[float, int]]:
    rng = random.Random(7)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    count = int(rate * seconds)
    payloads = [_request(port, key, members, rng) for _ in range(count)]  # built ahead
    tasks = [asyncio.create_task(_one(port, payloads[n], start + n / rate)) for n in range(count)]
    return list(await asyncio.gather(*tasks))


def run_paced(
    port: int, key: str, members: list[str], rate: float, seconds: float
) -> tuple[float, float, float, dict[int, int]]:
    """(commits/s achieved, p50 ms, p99 ms, statuses) of `rate` purchases a second for `seconds`."""
    started = time.perf_counter()
    results = asyncio.run(_paced(port, key, members, rate, seconds))
    elapsed = time.perf_counter() - started
    statuses: dict[int, int] = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(latency for latency, status in results if status == 201)
    if not latencies:
        return 0.0, 0.0, 0.0, statuses
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    return statuses.get(201, 0) / elapsed, statistics.median(latencies) * 1000, p99 * 1000, statuses
