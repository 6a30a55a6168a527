"""Locust users for the fixed-rate load run (``python tests/load/drive.py load`` starts them):
each user sends one request a second (``constant_throughput``), so N users are N requests/s,
drawn from the mix in ``traffic.py``. A GraphQL answer with errors counts as a failure."""

import random

from locust import FastHttpUser, constant_throughput, task
from traffic import mixed_request


class Reader(FastHttpUser):
    wait_time = constant_throughput(1)

    def on_start(self) -> None:
        self.rng = random.Random(id(self))  # noqa: S311 - a load mix, not a secret

    @task
    def read(self) -> None:
        method, path, body = mixed_request(self.rng)
        name = f"{method} {path.split('?')[0]}"
        with self.client.request(method, path, json=body, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif path == "/graphql" and "errors" in response.json():
                response.failure(f"GraphQL errors: {response.text[:200]}")
