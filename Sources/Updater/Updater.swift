// The updater's decisions; see UpdaterDecisions.swift and friends.
