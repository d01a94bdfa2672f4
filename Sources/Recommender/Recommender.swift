// The recommender's algorithm; see DecayingHistogram.swift and friends.
