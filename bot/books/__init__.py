"""A book's configuration and who may do what with it: targets, tenancy, paid engines."""
