"""The runtime of one command (DESIGN.md §13): settings built once, the open store, the providers."""
