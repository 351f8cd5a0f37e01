"""Request body parsers: JSON read by orjson, with a bound on nesting."""

import orjson
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.parsers import get_encoding

#: No TradeWatch body nests deeper than a handful of levels; a deeper one is refused before any code walks it.
MAX_DEPTH = 32


def nesting_exceeds(data, limit: int) -> bool:
    """True if ``data`` (parsed JSON) nests lists or objects more than ``limit`` levels deep (walked without
    recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        stack.extend((item, depth + 1) for item in value if isinstance(item, dict | list))
    return False


class JSONParser(DRFJSONParser):
    """application/json through orjson, which refuses what the standard parser would crash on (a body
    nested thousands deep) and NaN or Infinity; a body nested beyond ``MAX_DEPTH`` is a 400 too."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})  # a text codec only (no bz2_codec bombs)
        raw = stream.read()
        try:
            if encoding.lower().replace("-", "").replace("_", "") != "utf8":
                raw = raw.decode(encoding)
            data = orjson.loads(raw)
        except ValueError as error:  # orjson.JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise ParseError(f"JSON parse error - {error}") from None
        if nesting_exceeds(data, MAX_DEPTH):
            raise ParseError(f"JSON parse error - the body nests more than {MAX_DEPTH} levels deep.")
        return data
