"""Fixtures for the cluster fault tests (the broker fixtures come from tests/integration/conftest.py)."""

from cluster_fixture import brook_cluster  # noqa: F401  (re-exported as pytest fixtures)
from etcd_fixture import etcd  # noqa: F401
