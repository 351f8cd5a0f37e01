import re

import pytest

from core.hs_codes import HS_CODE_PATTERN, HS_CODES_OR_EMPTY_PATTERN, HS_CODES_PATTERN


@pytest.mark.parametrize("code", ["15", "1514", "1514119000"])
def test_an_hs_code_is_two_to_ten_digits(code):
    assert re.fullmatch(HS_CODE_PATTERN, code)


@pytest.mark.parametrize("code", ["1", "15141190001", "1514.11", "15 14", "", "٣٤"])
def test_anything_else_is_not_an_hs_code(code):
    assert not re.fullmatch(HS_CODE_PATTERN, code)


def test_a_list_of_hs_codes_is_separated_by_single_spaces():
    assert re.fullmatch(HS_CODES_PATTERN, "1514 1205")
    assert not re.fullmatch(HS_CODES_PATTERN, "1514  1205")
    assert not re.fullmatch(HS_CODES_PATTERN, "")
    assert re.fullmatch(HS_CODES_OR_EMPTY_PATTERN, "")
