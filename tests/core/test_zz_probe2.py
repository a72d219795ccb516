import re
from django.test import Client

def test_probe(admin_user, verified_login):
    c = Client()
    verified_login(c, admin_user)
    r = c.get("/admin/account/")
    html = r.content.decode()
    names = re.findall(r'name="([^"]+)"', html)
    print("NAMES", sorted(set(names)))
    data = {}
    for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*?(?:value="([^"]*)")?[^>]*>', html):
        data.setdefault(m.group(1), m.group(2) or "")
    data.update({"locale-current_time_zone": "Europe/Amsterdam", "locale-preferred_language": "nl", "name_email-first_name": "A", "name_email-last_name": "B", "name_email-email": "a@example.invalid"})
    r = c.post("/admin/account/", data)
    print("POST", r.status_code, r.get("Location"))
    r = c.get("/admin/account/")
    print("GET2", r.status_code)
    r = c.get("/admin/")
    print("HOME", r.status_code)
    for tz in ("Factory", "localtime", "UTC", "Etc/GMT+5"):
        data["locale-current_time_zone"] = tz
        r = c.post("/admin/account/", data)
        print("POST", tz, r.status_code)
        r = c.get("/admin/")
        print("HOME after", tz, r.status_code)
        r = c.get("/leren/mijn-leerroute/")
        print("FRONT after", tz, r.status_code)
