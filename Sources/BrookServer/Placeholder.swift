// BrookServer placeholder
