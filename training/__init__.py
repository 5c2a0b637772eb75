"""Scripts that fit the models the function ships; run from the repository's root as modules
(`python -m training.<script>`, see training/README.md). They read and score the development
sets with `bench.datasets`."""
