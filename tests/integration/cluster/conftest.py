"""Fixtures for the cluster fault tests (the broker fixtures come from tests/integration/conftest.py)."""

from etcd_fixture import etcd  # noqa: F401  (re-exported as a pytest fixture)
