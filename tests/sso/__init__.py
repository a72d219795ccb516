"""Real identity providers on loopback for the single sign-on tests and the demo (README.md)."""
