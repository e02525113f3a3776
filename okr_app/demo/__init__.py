"""Demo data for trying the service and for the benchmark."""
