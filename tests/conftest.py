pytest_plugins = ["tests.fixtures.people"]
