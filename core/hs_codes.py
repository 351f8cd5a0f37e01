"""The one pattern of a Harmonized System code: 2 to 10 digits, without dots or spaces.

Models (field validators and their database constraints), API fields and filters all take it from here.
"""

#: One HS code (or prefix), unanchored, for composing.
HS_CODE = r"[0-9]{2,10}"
#: Exactly one HS code.
HS_CODE_PATTERN = rf"^{HS_CODE}$"
#: One or more HS codes separated by single spaces.
HS_CODES_PATTERN = rf"^{HS_CODE}( {HS_CODE})*$"
#: A list of HS codes that may also be empty.
HS_CODES_OR_EMPTY_PATTERN = rf"^({HS_CODE}( {HS_CODE})*)?$"
