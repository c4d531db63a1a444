// BrookBroker placeholder
