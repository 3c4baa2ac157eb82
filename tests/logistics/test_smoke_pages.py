"""Every logistics screen answers for a Super Admin without a server error."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/shipments/",
        "/shipments/?tab=archive",
        "/shipments/new",
        "/tariffs/list/",
        "/tariffs/add",
        "/settings/",
        "/tariffs/import",
        "/shipments/cities?q=band",
        "/api/v1/_openapi",
    ],
)
def test_pages_render(client_as, path):
    response = client_as("owner@demo.test").get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
