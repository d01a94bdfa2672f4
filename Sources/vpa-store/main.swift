import VPAStoreCLI

// The work lives in VPAStoreCLI so tests can run every subcommand without a process.
await VPAStoreCommand.runFromCommandLine()
