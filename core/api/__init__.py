"""The base classes every app's API builds on: renderers, parsers, pagination, throttles, errors, schema, viewsets."""
