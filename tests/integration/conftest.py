"""Fixtures for running real Kafka clients against a real `brook serve` process."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import sys
import uuid

import pytest

from brook_harness import BrookError, BrookProcess, brook_binary

# Every test is bounded. pytest-timeout does it when installed (CI installs it); otherwise a
# SIGALRM fallback below does the same for the main thread. Override per test with
# @pytest.mark.timeout(seconds).
DEFAULT_TEST_TIMEOUT = int(os.environ.get("BROOK_TEST_TIMEOUT", "120"))


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_kcat: test shells out to kcat")
    if not config.pluginmanager.hasplugin("timeout"):
        config.addinivalue_line("markers", "timeout(seconds): per-test time limit")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(DEFAULT_TEST_TIMEOUT))


@pytest.fixture(autouse=True)
def _alarm_timeout(request):
    if request.config.pluginmanager.hasplugin("timeout"):
        yield
        return
    seconds = int(request.node.get_closest_marker("timeout").args[0])

    def expired(signum, frame):
        pytest.fail(f"test exceeded its {seconds}s time limit", pytrace=True)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def brook_factory(request, tmp_path_factory):
    """make(settings=None, data_dir=None, start=True, **kwargs) -> started BrookProcess.

    Teardown stops every broker still running with SIGTERM (≤10 s, then SIGKILL) and fails the
    test unless each exited 0; a broker that died on its own during the test also fails it.
    Brokers the test killed or stopped itself are left alone."""
    brokers: list[BrookProcess] = []
    counter = itertools.count(1)

    def make(settings=None, data_dir=None, start=True, **kwargs) -> BrookProcess:
        n = next(counter)
        if data_dir is None:
            data_dir = tmp_path_factory.mktemp("brook") / "data"
            data_dir.mkdir()
        broker = BrookProcess(brook_binary(), data_dir, settings=settings,
                              name=kwargs.pop("name", f"brook#{n}"), **kwargs)
        brokers.append(broker)
        if start:
            broker.start()
        return broker

    yield make

    problems = []
    for broker in brokers:
        try:
            broker.stop(check=True)
        except BrookError as exc:
            problems.append(str(exc))
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        for broker in brokers:
            sys.stderr.write(f"\n===== output of {broker.name} =====\n{broker.output_tail(300)}\n")
    if problems:
        pytest.fail("broker shutdown problems:\n" + "\n\n".join(problems), pytrace=False)


@pytest.fixture
def brook(brook_factory) -> BrookProcess:
    return brook_factory()


@pytest.fixture
def topic(request) -> str:
    """A topic name unique to this test (Kafka topic names allow [a-zA-Z0-9._-])."""
    base = "".join(c if c.isalnum() else "-" for c in request.node.name)[:100]
    return f"{base}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def kcat() -> str:
    path = os.environ.get("KCAT") or shutil.which("kcat") or shutil.which("kafkacat")
    if not path:
        pytest.fail("kcat not found (install it with scripts/install-deps.sh or set KCAT)")
    return path
