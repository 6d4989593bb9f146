"""Real CKAN 2.12 against ckan-search: does CKAN's action API and `ckan search-index` work with
ckan-search standing in for Solr?

Run by tests/tests/ckan.rs with the CKAN venv's interpreter:
    python ckan_e2e.py --solr-url http://127.0.0.1:PORT/solr/ckan --workdir DIR --db NAME
It creates its own PostgreSQL role and database (trust auth on 127.0.0.1:5432), writes a CKAN
ini, initialises the DB, starts `ckan run` on a free port, drives the action API and the web
search page (/dataset) over HTTP and the search-index CLI, asserts results (ids, counts, facets,
what the page lists), then drops the database.
Exits non-zero with the first failed assertion. The expectations follow CKAN 2.12's own
semantics (ckan/lib/search/query.py, ckan/logic/action/get.py), not the server's answers.
"""

import argparse
import html.parser
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import requests

ARGS = None
CKAN = None  # path to the venv's `ckan` executable
INI = None
TOKEN = None
API = None
SITE = None  # the `ckan run` web root, http://127.0.0.1:PORT
T0 = time.time()


def log(msg):
    print("[%6.1fs] %s" % (time.time() - T0, msg), flush=True)


def check(cond, what, got=None):
    if not cond:
        raise AssertionError("%s (got: %r)" % (what, got))


def psql(sql, db="postgres"):
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1",
         "-qAtc", sql],
        check=True, capture_output=True, text=True)


def ckan_cli(*args, ok=True):
    r = subprocess.run([CKAN, "-c", INI] + list(args), capture_output=True, text=True,
                       timeout=300)
    if ok and r.returncode != 0:
        raise AssertionError("ckan %s failed rc=%d\nstdout:\n%s\nstderr:\n%s"
                             % (" ".join(args), r.returncode, r.stdout, r.stderr[-4000:]))
    return r


def action(_action, **data):
    name = _action
    r = requests.post(API + name, json=data, headers={"Authorization": TOKEN}, timeout=120)
    try:
        body = r.json()
    except ValueError:
        raise AssertionError("%s: HTTP %d, not JSON: %s" % (name, r.status_code, r.text[:2000]))
    if r.status_code != 200 or not body.get("success"):
        raise AssertionError("%s(%s): HTTP %d %s" % (name, json.dumps(data)[:500], r.status_code,
                                                     json.dumps(body.get("error"))[:2000]))
    return body["result"]


def search(**params):
    return action("package_search", **params)


def names(result):
    return sorted(d["name"] for d in result["results"])


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def generate_ini(ckan, path, settings):
    """`ckan generate config PATH`, then each setting replaces its (possibly commented-out)
    line, or is added at the top of [app:main]. Shared with ckan_suite.py."""
    subprocess.run([ckan, "generate", "config", path], check=True, capture_output=True)
    text = open(path).read()
    for key, value in settings.items():
        pattern = re.compile(r"^#?\s*%s\s*=.*$" % re.escape(key), re.M)
        line = "%s = %s" % (key, value)
        if pattern.search(text):
            text = pattern.sub(lambda _m: line, text, count=1)
        else:
            text = text.replace("[app:main]\n", "[app:main]\n%s\n" % line, 1)
    open(path, "w").write(text)


def create_db(db):
    """A fresh PostgreSQL role and database, both named `db` (password `pass`)."""
    psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)
    psql("DROP ROLE IF EXISTS %s" % db)
    psql("CREATE ROLE %s LOGIN PASSWORD 'pass'" % db)
    psql("CREATE DATABASE %s OWNER %s ENCODING 'utf-8'" % (db, db))


def drop_db(db):
    try:
        psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)
        psql("DROP ROLE IF EXISTS %s" % db)
    except subprocess.CalledProcessError as e:
        print("cleanup failed: %s" % e.stderr)


def write_ini(workdir, db, port):
    global INI
    INI = os.path.join(workdir, "ckan.ini")
    storage = os.path.join(workdir, "storage")
    os.makedirs(storage, exist_ok=True)
    generate_ini(CKAN, INI, {
        "sqlalchemy.url": "postgresql://%s:pass@127.0.0.1/%s" % (db, db),
        "ckan.site_url": "http://127.0.0.1:%d" % port,
        "ckan.redis.url": "redis://127.0.0.1:6379/0",
        "ckan.storage_path": storage,
        "solr_url": ARGS.solr_url,
        "ckan.plugins": "activity",
        "ckan.site_id": "default",
        # one dataset per web page, so the scenario's two public datasets make two pages
        "ckan.datasets_per_page": "1",
    })


def setup(workdir, db):
    global TOKEN, API, SITE
    create_db(db)
    port = free_port()
    write_ini(workdir, db, port)
    log("ini written; db init")
    ckan_cli("db", "init")
    ckan_cli("db", "upgrade", "-p", "activity")
    # a fresh DB needs an empty index for this site (the server may be reused when run by hand)
    ckan_cli("search-index", "clear")
    ckan_cli("user", "add", "admin", "email=admin@example.org", "password=Passw0rd!x")
    ckan_cli("sysadmin", "add", "admin")
    TOKEN = ckan_cli("user", "token", "add", "admin", "e2e").stdout.strip().splitlines()[-1].strip()
    log("sysadmin + token ready; starting ckan run on port %d" % port)
    server = subprocess.Popen(
        [CKAN, "-c", INI, "run", "-H", "127.0.0.1", "-p", str(port), "-r"],
        stdout=open(os.path.join(workdir, "ckan-run.log"), "w"), stderr=subprocess.STDOUT)
    SITE = "http://127.0.0.1:%d" % port
    API = SITE + "/api/3/action/"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(API + "status_show", timeout=2).read()
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if server.poll() is not None or time.time() > deadline:
                raise AssertionError("ckan run did not start; see %s/ckan-run.log" % workdir)
            time.sleep(0.3)
    log("ckan run is up")
    return server


class SearchPage(html.parser.HTMLParser):
    """What CKAN's /dataset page shows (templates package/search.html and the snippets
    search_result_text, package_item, facet_list): the result-count heading (`<h1>`), each
    listed dataset as (link, title, badges) and the sidebar's facet counts."""

    def __init__(self, text):
        super().__init__()
        self.headings = []  # text of every <h1>
        self.datasets = []  # (href, title, [badge texts]) in page order
        self.facets = {}  # facet field -> {label: count}
        self._h1 = None
        self._item = None  # the dataset heading being read
        self._facet = None  # (field, label) of the facet link being read
        self._into = None  # the list that receives text: title, badge or facet count
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        aria = a.get("aria-label") or ""
        if tag == "h1":
            self._h1 = []
        elif tag == "h2" and "dataset-heading" in cls:
            self._item = {"href": None, "title": [], "badges": []}
        elif self._item is not None and tag == "a":
            self._item["href"] = a.get("href")
            self._into = self._item["title"]
        elif self._item is not None and tag == "span" and "badge" in cls:
            self._item["badges"].append([])
            self._into = self._item["badges"][-1]
        elif tag == "a" and aria.startswith("Search datasets by "):
            self._facet = aria[len("Search datasets by "):].split(": ", 1)
        elif self._facet is not None and tag == "span" and "item-count" in cls:
            self._into = []

    def handle_endtag(self, tag):
        if tag == "h1" and self._h1 is not None:
            self.headings.append(flat(self._h1))
            self._h1 = None
        elif tag == "h2" and self._item is not None:
            item = self._item
            self.datasets.append((item["href"], flat(item["title"]),
                                  [flat(b) for b in item["badges"]]))
            self._item = None
        elif tag == "span" and self._facet is not None and self._into is not None:
            field, label = self._facet
            self.facets.setdefault(field, {})[label] = int(flat(self._into))
            self._facet = self._into = None
        elif tag in ("a", "span"):
            self._into = None

    def handle_data(self, data):
        if self._h1 is not None:
            self._h1.append(data)
        if self._into is not None:
            self._into.append(data)

    def found(self):
        """The result-count heading, e.g. '2 datasets found for "climate"'."""
        return [h for h in self.headings if " found" in h]


def flat(parts):
    return " ".join("".join(parts).split())


def web_search(token=None, **params):
    """GET /dataset/ as the browser does (anonymous unless `token`), parsed."""
    headers = {"Authorization": token} if token else {}
    r = requests.get(SITE + "/dataset/", params=params, headers=headers, timeout=120)
    check(r.status_code == 200, "GET /dataset/ %r: HTTP %d" % (params, r.status_code),
          r.text[:2000])
    return SearchPage(r.text)


def web_dataset_page(pub1, pub2, priv):
    """The web search page (views/dataset.py `search`, spec K9's web request). The ini sets
    ckan.datasets_per_page = 1, so each page lists one dataset and page 2 exists. Anonymous
    visitors see only the two public active datasets: priv-one (private) and draft-one (draft)
    also say "climate" but are neither counted, listed nor faceted."""
    def listed(pkg, badges=()):
        return ("/dataset/" + pkg["name"], pkg["title"], list(badges))

    def expect(page, found, datasets, what):
        check(page.found() == [found], what + ": result count", page.headings)
        check(page.datasets == datasets, what + ": datasets listed", page.datasets)

    p = web_search()
    # default sort (score desc, metadata_modified desc; every score equal): newest first
    expect(p, "2 datasets found", [listed(pub2)], "/dataset/")
    check({f: p.facets.get(f) for f in ("tags", "res_format", "organization", "groups")}
          == {"tags": {"climate": 1, "water": 1, "finance": 1},
              "res_format": {"CSV": 1, "JSON": 1},
              "organization": {"E2E Org": 2},
              "groups": {"E2E Group": 1}}, "/dataset/: facets", p.facets)

    p = web_search(sort="title_string asc")
    expect(p, "2 datasets found", [listed(pub2)], "/dataset/ sort=title_string asc")
    p = web_search(sort="title_string asc", page=2)
    expect(p, "2 datasets found", [listed(pub1)], "/dataset/ sort=title_string asc page=2")
    p = web_search(sort="title_string desc", page=2)
    expect(p, "2 datasets found", [listed(pub2)], "/dataset/ sort=title_string desc page=2")

    p = web_search(q="climate")
    expect(p, '1 dataset found for "climate"', [listed(pub1)], "/dataset/?q=climate")
    p = web_search(tags="climate")
    expect(p, "1 dataset found", [listed(pub1)], "/dataset/?tags=climate")
    check(p.facets.get("tags") == {"climate": 1, "water": 1}, "tags=climate: tags facet",
          p.facets)
    p = web_search(res_format="JSON")
    expect(p, "1 dataset found", [listed(pub2)], "/dataset/?res_format=JSON")

    # the spec's K9 web request: q, two facet filters, a sort and a page
    k9 = {"q": "climate", "tags": "climate", "res_format": "CSV", "sort": "title_string asc"}
    p = web_search(**k9)
    expect(p, '1 dataset found for "climate"', [listed(pub1)], "K9 web request page 1")
    p = web_search(page=2, **k9)
    expect(p, '1 dataset found for "climate"', [], "K9 web request page 2")
    p = web_search(q="climate", tags="climate", res_format="JSON")
    expect(p, 'No datasets found for "climate"', [], "q=climate res_format=JSON")

    # the sysadmin (API token on a web route) also sees the private one, badged; drafts are
    # never on the web search page
    p = web_search(token=TOKEN, q="climate", sort="title_string desc")
    expect(p, '2 datasets found for "climate"', [listed(priv, ["Private"])],
           "sysadmin /dataset/?q=climate sort=title_string desc")
    p = web_search(token=TOKEN, q="climate", sort="title_string desc", page=2)
    expect(p, '2 datasets found for "climate"', [listed(pub1)],
           "sysadmin /dataset/?q=climate page=2")
    log("web /dataset page checks passed")


def same_answers_direct():
    """The same anonymous package_search requests through real CKAN and straight to
    ckan-search's /api/3/action/package_search: equal counts, ids (in order), facets and
    search_facets."""
    direct = ARGS.solr_url.rsplit("/solr/", 1)[0] + "/api/3/action/package_search"
    requests_ = [
        {},
        {"q": "climate"},
        {"q": "*:*", "sort": "name asc"},
        {"q": "name:pub-two"},
        {"fq": "tags:climate"},
        {"q": "budget OR climate", "sort": "metadata_modified desc"},
        {"rows": "1", "start": "1", "sort": "name asc"},
        {"fl": "name,title", "sort": "name desc"},
        {"include_private": "true", "include_drafts": "true", "sort": "name asc"},
        {"facet.field": json.dumps(["tags", "organization", "groups", "license_id", "res_format"]),
         "facet.limit": "2"},
        {"q": "metadata_modified:[* TO NOW]", "sort": "name asc"},
    ]
    for params in requests_:
        via_ckan = requests.get(API + "package_search", params=params, timeout=60).json()
        ours = requests.get(direct, params=params, timeout=60).json()
        check(via_ckan.get("success") and ours.get("success"), "both answer %r" % params,
              (via_ckan.get("error"), ours.get("error")))
        a, b = via_ckan["result"], ours["result"]
        key = lambda r: [d.get("id", d.get("name")) for d in r["results"]]
        check(a["count"] == b["count"], "same count for %r" % params, (a["count"], b["count"]))
        check(key(a) == key(b), "same results for %r" % params, (key(a), key(b)))
        check(a["facets"] == b["facets"], "same facets for %r" % params, (a["facets"], b["facets"]))
        check(a["search_facets"] == b["search_facets"], "same search_facets for %r" % params,
              (a["search_facets"], b["search_facets"]))
        check(a["sort"] == b["sort"], "same sort for %r" % params, (a["sort"], b["sort"]))
    log("%d package_search requests: CKAN and ckan-search's own API agree" % len(requests_))


def scenario():
    org = action("organization_create", name="e2e-org", title="E2E Org")
    group = action("group_create", name="e2e-group", title="E2E Group")
    vocab = action("vocabulary_create", name="genre",
                   tags=[{"name": "jazz"}, {"name": "rock"}])

    pub1 = action(
        "package_create", name="pub-one", title="Climate data one", owner_org=org["id"],
        notes="Measurements of rivers",
        tags=[{"name": "climate"}, {"name": "water"},
              {"name": "jazz", "vocabulary_id": vocab["id"]}],
        extras=[{"key": "start_date", "value": "2020-01-02"},
                {"key": "theme", "value": "test-spatial"}],
        groups=[{"name": "e2e-group"}],
        resources=[{"url": "http://example.org/a.csv", "format": "CSV", "name": "rivers csv"}])
    pub2 = action(
        "package_create", name="pub-two", title="Budget numbers", owner_org=org["id"],
        tags=[{"name": "finance"}, {"name": "rock", "vocabulary_id": vocab["id"]}],
        resources=[{"url": "http://example.org/b.json", "format": "JSON"}])
    priv = action("package_create", name="priv-one", title="Private climate", owner_org=org["id"],
                  private=True, tags=[{"name": "climate"}])
    draft = action("package_create", name="draft-one", title="Draft climate",
                   owner_org=org["id"], state="draft", tags=[{"name": "climate"}])
    log("created org, group, vocabulary and 4 datasets")

    # q over the catch-all text field; sysadmin, so only capacity/state filters apply.
    r = search(q="climate")
    check(names(r) == ["pub-one"] and r["count"] == 1, "q=climate (public only)", r)
    r = search(q="climate", include_private=True)
    check(names(r) == ["priv-one", "pub-one"], "q=climate include_private", names(r))
    r = search(q="climate", include_private=True, include_drafts=True)
    check(names(r) == ["draft-one", "priv-one", "pub-one"], "q=climate +drafts", names(r))
    r = search(q="rivers")
    check(names(r) == ["pub-one"], "q=rivers (notes)", names(r))
    r = search(q="spatial")
    check(names(r) == ["pub-one"], "q=spatial (extras_* copied into text)", names(r))
    r = search(q="name:pub-two")
    check([d["id"] for d in r["results"]] == [pub2["id"]], "q=name:pub-two by id", r["results"])

    # fq on tags, vocab tags, groups, org, res_format, dates
    for fq, want in [
        ("tags:water", ["pub-one"]),
        ("vocab_genre:jazz", ["pub-one"]),
        ("vocab_genre:rock", ["pub-two"]),
        ("groups:e2e-group", ["pub-one"]),
        ("res_format:JSON", ["pub-two"]),
        ("organization:e2e-org", ["pub-one", "pub-two"]),
        ("start_date:[2019-12-31T00:00:00Z TO 2020-12-31T00:00:00Z]", ["pub-one"]),
        ("metadata_created:[2000-01-01T00:00:00Z TO NOW]", ["pub-one", "pub-two"]),
        ("tags:(finance OR water)", ["pub-one", "pub-two"]),
        ("-tags:finance", ["pub-one"]),
    ]:
        r = search(q="*:*", fq=fq)
        check(names(r) == want, "fq=%s" % fq, names(r))
    r = search(q="*:*", fq="organization:e2e-org", include_private=True)
    check(names(r) == ["priv-one", "pub-one", "pub-two"], "org fq include_private", names(r))

    # sort, rows, start
    r = search(q="*:*", sort="name asc", include_private=True)
    check([d["name"] for d in r["results"]] == ["priv-one", "pub-one", "pub-two"],
          "sort=name asc", [d["name"] for d in r["results"]])
    r = search(q="*:*", sort="name desc", rows=2, start=1, include_private=True)
    check(r["count"] == 3 and [d["name"] for d in r["results"]] == ["pub-one", "priv-one"],
          "sort=name desc rows=2 start=1", (r["count"], [d["name"] for d in r["results"]]))
    r = search(q="*:*", sort="title_string asc")
    check([d["name"] for d in r["results"]] == ["pub-two", "pub-one"], "sort=title_string",
          [d["name"] for d in r["results"]])

    # fl
    r = search(q="*:*", fl="id,name", sort="name asc")
    check(r["results"] == [{"id": pub1["id"], "name": "pub-one"},
                           {"id": pub2["id"], "name": "pub-two"}], "fl=id,name", r["results"])

    # facets
    r = search(q="*:*", include_private=True,
               **{"facet.field": ["tags", "res_format", "organization", "groups", "vocab_genre"]})
    facets = r["facets"]
    check(facets.get("tags") == {"climate": 2, "water": 1, "finance": 1}, "tags facet",
          facets.get("tags"))
    check(facets.get("res_format") == {"CSV": 1, "JSON": 1}, "res_format facet",
          facets.get("res_format"))
    check(facets.get("organization") == {"e2e-org": 3}, "organization facet",
          facets.get("organization"))
    check(facets.get("groups") == {"e2e-group": 1}, "groups facet", facets.get("groups"))
    check(facets.get("vocab_genre") == {"jazz": 1, "rock": 1}, "vocab facet",
          facets.get("vocab_genre"))
    check({i["name"]: i["count"] for i in r["search_facets"]["tags"]["items"]}
          == {"climate": 2, "water": 1, "finance": 1}, "search_facets tags", r["search_facets"])
    r = search(q="*:*", include_private=True, **{"facet.field": ["tags"], "facet.limit": 1})
    check(r["facets"].get("tags") == {"climate": 2}, "facet.limit=1", r["facets"])

    # package_show (served from the index: validated_data_dict)
    shown = action("package_show", id="pub-one")
    check(shown["id"] == pub1["id"] and shown["title"] == "Climate data one", "package_show",
          shown)
    # package_show lists free tags and vocabulary tags together
    check(sorted((t["name"], t["vocabulary_id"]) for t in shown["tags"])
          == [("climate", None), ("jazz", vocab["id"]), ("water", None)], "show tags",
          shown["tags"])
    check({e["key"]: e["value"] for e in shown["extras"]}
          == {"start_date": "2020-01-02", "theme": "test-spatial"}, "show extras",
          shown["extras"])
    check([r["format"] for r in shown["resources"]] == ["CSV"], "show resources",
          shown["resources"])
    check(shown["groups"][0]["name"] == "e2e-group", "show groups", shown["groups"])

    # organization_list all_fields: counts via the groups/owner_org facet (all active datasets)
    orgs = action("organization_list", all_fields=True)
    check([(o["name"], o["package_count"]) for o in orgs] == [("e2e-org", 3)],
          "organization_list all_fields", orgs)
    groups = action("group_list", all_fields=True)
    check([(g["name"], g["package_count"]) for g in groups] == [("e2e-group", 1)],
          "group_list all_fields", groups)

    # the web search page, while the four datasets are as created
    web_dataset_page(pub1, pub2, priv)
    # ckan-search's own package_search answers as CKAN's does
    same_answers_direct()

    # update / patch / delete / purge
    action("package_update", **dict(pub2, title="Budget numbers revised"))
    r = search(q="revised")
    check(names(r) == ["pub-two"], "after package_update q=revised", names(r))
    check(search(q="title:budget")["count"] == 1, "title:budget after update")
    action("package_patch", id="pub-two", notes="now about tax")
    r = search(q="tax")
    check(names(r) == ["pub-two"], "after package_patch q=tax", names(r))
    action("package_patch", id="priv-one", private=False)
    r = search(q="climate")
    check(names(r) == ["priv-one", "pub-one"], "after making priv-one public", names(r))
    action("package_patch", id="priv-one", private=True)
    action("package_delete", id="pub-two")
    r = search(q="*:*")
    check(names(r) == ["pub-one"], "after package_delete", names(r))
    # ckan.search.remove_deleted_packages (default true): package_delete removes the document
    # (a delete by query), so even include_deleted does not find it
    r = search(q="*:*", include_deleted=True)
    check(names(r) == ["pub-one"], "include_deleted after package_delete", names(r))
    action("dataset_purge", id="pub-two")
    r = search(q="*:*", include_private=True, include_drafts=True, include_deleted=True)
    check(names(r) == ["draft-one", "priv-one", "pub-one"], "after dataset_purge", names(r))
    log("action API checks passed")
    return pub1, priv, draft


def all_names():
    return names(search(q="*:*", include_private=True, include_drafts=True, rows=1000))


def cli_scenario(pub1, priv, draft):
    want = ["draft-one", "priv-one", "pub-one"]
    # `check` counts only active datasets (the draft is not one)

    r = ckan_cli("search-index", "check")
    check("Packages not indexed = 0 out of 2" in r.stdout, "check when in sync", r.stdout)

    r = ckan_cli("search-index", "show", "pub-one")
    check(pub1["id"] in r.stdout and "'name': 'pub-one'" in r.stdout, "show pub-one",
          r.stdout[:2000])

    ckan_cli("search-index", "clear")
    check(all_names() == [], "after clear", all_names())
    r = ckan_cli("search-index", "check")
    check("Packages not indexed = 2 out of 2" in r.stdout, "check after clear", r.stdout)

    ckan_cli("search-index", "rebuild")
    check(all_names() == want, "after rebuild", all_names())

    ckan_cli("search-index", "clear", "pub-one")
    check(all_names() == ["draft-one", "priv-one"], "after clear pub-one", all_names())
    # list-unindexed asks only for +state:active ids, so the (indexed) draft counts as missing
    r = ckan_cli("search-index", "list-unindexed")
    check(pub1["id"] in r.stdout and draft["id"] in r.stdout and priv["id"] not in r.stdout
          and "Found 2 unindexed package(s)." in r.stdout,
          "list-unindexed after clear pub-one", r.stdout)
    ckan_cli("search-index", "rebuild", "-o")
    check(all_names() == want, "after rebuild -o", all_names())

    ckan_cli("search-index", "clear", "priv-one")
    ckan_cli("search-index", "rebuild", "priv-one")
    check(all_names() == want, "after rebuild priv-one", all_names())

    # an orphan: a document for this site whose dataset is not in the DB
    orphan = {"id": "00000000-0000-0000-0000-0000000000aa", "name": "orphan-one",
              "title": "Orphan", "site_id": "default", "state": "active",
              "capacity": "public", "dataset_type": "dataset", "entity_type": "package",
              "index_id": "orphanindexid", "permission_labels": ["public"],
              "data_dict": json.dumps({"id": "00000000-0000-0000-0000-0000000000aa",
                                       "name": "orphan-one"})}
    up = requests.post(ARGS.solr_url + "/update/?commit=true", json=[orphan], timeout=30)
    check(up.status_code == 200, "inject orphan", up.text)
    r = ckan_cli("search-index", "list-orphans")
    check(orphan["id"] in r.stdout and "Found 1 orphaned package(s)." in r.stdout,
          "list-orphans with one orphan", r.stdout)
    ckan_cli("search-index", "rebuild")
    r = ckan_cli("search-index", "list-orphans")
    check("Found 0 orphaned package(s)." in r.stdout, "list-orphans after rebuild", r.stdout)
    check(all_names() == want, "after orphan rebuild", all_names())
    up = requests.post(ARGS.solr_url + "/update/?commit=true", json=[orphan], timeout=30)
    check(up.status_code == 200, "inject orphan again", up.text)
    ckan_cli("search-index", "clear-orphans")
    r = ckan_cli("search-index", "list-orphans")
    check("Found 0 orphaned package(s)." in r.stdout, "list-orphans after clear-orphans",
          r.stdout)
    check(all_names() == want, "after clear-orphans", all_names())
    log("search-index CLI checks passed")


def main():
    global ARGS, CKAN
    p = argparse.ArgumentParser()
    p.add_argument("--solr-url", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--keep-db", action="store_true",
                   help="leave the database (role and password as --db) for the caller to "
                        "compare with; it drops it")
    ARGS = p.parse_args()
    CKAN = os.path.join(os.path.dirname(sys.executable), "ckan")
    server = None
    ok = False
    try:
        server = setup(ARGS.workdir, ARGS.db)
        pub1, priv, draft = scenario()
        cli_scenario(pub1, priv, draft)
        log("ALL OK")
        ok = True
    except Exception:
        run_log = os.path.join(ARGS.workdir, "ckan-run.log")
        if os.path.exists(run_log):
            print("---- ckan run log (tail) ----\n" + open(run_log).read()[-6000:])
        raise
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if not (ok and ARGS.keep_db):
            drop_db(ARGS.db)


if __name__ == "__main__":
    main()
