"""The 13 YouthSource centers approved in July 2012, as published (DESIGN.md section 2).

Loaded by a data migration; administrators edit them afterwards. The data migration keeps its
own reference to this tuple, so treat it as frozen history: change centers through the
application, not here.
"""

YOUTHSOURCE_CENTERS = (
    ("EAST", "Para Los Niños", "East", "838 E 6th St, Los Angeles 90021"),
    ("BOYLE", "Boyle Heights Technology Youth Center", "East", "4th St & Gless St, Boyle Heights"),
    ("ELSER", "Barrio Action Youth and Family Center", "East", "El Sereno"),
    ("CRENS", "Brotherhood Crusade", "South", "5414 S Crenshaw Bl, Los Angeles 90043"),
    (
        "WILSH",
        "Archdiocesan Youth Employment / Catholic Charities",
        "Central",
        "3250 Wilshire Blvd Ste 1010, Los Angeles 90010",
    ),
    (
        "VERMT",
        "Archdiocesan Youth Employment / Catholic Charities",
        "South",
        "3965 S Vermont Ave, Los Angeles 90037",
    ),
    ("BIXEL", "UCLA", "Central", "501 S Bixel Ave, Los Angeles 90017"),
    ("WATTS", "Youth Opportunity Movement", "Watts", "1501 E 103rd St, Los Angeles 90002"),
    (
        "WLCAC",
        "Watts Labor Community Action Center",
        "South",
        "958 E 108th St, Los Angeles 90059",
    ),
    ("SFERN", "Youth Policy Institute", "North Valley", "11844 Glenoaks Bl, San Fernando 91340"),
    (
        "SUNVL",
        "El Proyecto del Barrio",
        "North Valley",
        "9030 Laurel Canyon Blvd, Sun Valley 91352",
    ),
    ("CANOG", "El Proyecto del Barrio", "South Valley", "20800 Sherman Way, Canoga Park 91306"),
    ("HARBR", "Harbor YouthSource Center", "Harbor", "222 W 6th St, San Pedro 90731"),
)


def load_youthsource_centers(center_model) -> int:
    """Create any of the 13 centers that are missing; leave edited ones alone. Returns how many
    were created. Takes the model so the data migration can pass its historical one."""
    created = 0
    for code, name, region, address in YOUTHSOURCE_CENTERS:
        _, was_created = center_model.objects.get_or_create(
            code=code, defaults={"name": name, "region": region, "address": address}
        )
        created += was_created
    return created
