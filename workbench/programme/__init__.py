"""The loyalty programme as the workbench shows it: configuration versions, stores, members."""
