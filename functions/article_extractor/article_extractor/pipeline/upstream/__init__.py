"""What the pipeline borrows from trafilatura and lxml beyond their public API: the checks that
guard each internal name (`checked_internals`: an upgrade makes a step slower, never broken), and
the result-identical speed-ups of trafilatura's steps that use them (`speedups`)."""
