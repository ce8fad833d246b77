"""Many readers at once: for tests that count under concurrent writers (PostgreSQL only)."""

import threading

from django.db import connection
from django.test import Client


def get_at_once(url: str, readers: int, *, agent: str) -> list[Exception]:
    """`readers` threads, each a reader of its own address, GET `url` at the same moment and
    expect a redirect; returns what went wrong (nothing, if all went well)."""
    barrier = threading.Barrier(readers)
    errors: list[Exception] = []

    def click(reader: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=f"198.51.100.{reader}").get(url)
            assert response.status_code == 302, response.status_code
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
