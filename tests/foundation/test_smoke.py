def test_health_reports_database_and_redis(anon):
    response = anon().get("/health")
    assert response.status_code == 200
    assert response.json["database"] == "ok"


def test_owner_sees_tenant_name_on_subdomain(client_as):
    page = client_as("owner@demo.test").get("/").get_data(as_text=True)
    assert "PT Demo Kirim Cepat" in page


def test_login_of_other_tenants_user_is_refused(anon):
    client = anon("http://contoh.localhost")
    response = client.post("/login/", data={"username": "owner@demo.test", "password": "DemoPass#2026"})
    assert response.status_code == 302
    assert "/login/" in response.headers["Location"]
    assert client.get("/").status_code == 302
