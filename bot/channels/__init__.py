"""Channel adapters: turn a chat platform's events into `Incoming` and render `Reply`."""
