"""Two brokers must never share a data directory."""

from __future__ import annotations

import re
import subprocess

from brook_harness import free_port
from clients import consume_confluent, produce_confluent


def test_second_broker_on_same_data_dir_fails_fast(brook, topic):
    produce_confluent(brook.bootstrap, topic, [{"value": b"before"}])

    second = subprocess.run(
        [str(brook.binary), "serve", "--listen", f"127.0.0.1:{free_port()}",
         "--data-dir", str(brook.data_dir)],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
    output = (second.stderr + second.stdout).decode(errors="replace")
    assert second.returncode != 0, f"second broker exited 0:\n{output}"
    assert str(brook.data_dir) in output or re.search(r"data[ _-]?dir", output, re.I), output
    assert "accepting connections" not in output

    # the first broker is unaffected
    assert brook.is_running()
    produce_confluent(brook.bootstrap, topic, [{"value": b"after"}])
    assert [r.value for r in consume_confluent(brook.bootstrap, topic, 0, 2)] == [b"before", b"after"]


def test_lock_is_released_by_graceful_stop_and_by_kill(brook, topic):
    brook.stop()
    brook.start()
    brook.kill()  # a stale lock file must not block the next start (the lock dies with the process)
    brook.start()
    produce_confluent(brook.bootstrap, topic, [{"value": b"still works"}])
