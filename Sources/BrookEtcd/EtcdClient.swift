// The etcd v3 client Brook's cluster metadata is stored through (issue 12). Filled in by the etcd work.
