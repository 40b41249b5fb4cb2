"""Staff pages of the surveys app, one module per subject; every page is scoped through surveys.access."""
