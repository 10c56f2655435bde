"""Domain logic without Qt: usable from the GUI, the CLI and the tests."""
