enum AggregateKind { init?(name: String) { return nil } }
