// Cluster seams (issue 12): replica state, metadata store, placement. Filled in by the cluster work.
