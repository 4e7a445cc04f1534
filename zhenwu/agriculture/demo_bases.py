"""Demo: the seed's bases with a season each."""
