"""The browser harness itself: axe_check must fail on a page with violations."""

import pytest

from tests.fixtures.browser import axe_check

pytestmark = pytest.mark.browser


def test_axe_check_fails_on_an_inaccessible_page(page):
    page.set_content('<html><body><img src="x.png"><a href="/"></a></body></html>')

    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(page)

    assert "image-alt" in str(failure.value)
    assert "html-has-lang" in str(failure.value)
    assert "link-name" in str(failure.value)
