"""Search across a workshop's sessions and posters: words (what a query means), filters (FilterSets that find
rows), excerpts (what each result shows of its abstract) and the page."""
