"""The morning run: the day, building stops, legs from one depot, relay, batches."""
