"""digitpad's tests; a regular package so that bench/ imports tests.replay, and no other `tests`."""
