"""data.gov.uk's organisation documents, written and read with the real pysolr.

Usage:
  python find_orgs.py --solr-url URL reindex ORGS.json
  python find_orgs.py --solr-url URL django [--publisher TITLE] [--format VALUE ...]

`reindex` re-enacts ckanext-datagovuk's `ckan datagovuk reindex-organisations`
(clients-and-scale.md §2.3) call for call: a pysolr client with always_commit, a ping, the
existing organisation documents read with the bare `*` query and a parenthesised filter,
one add of every active organisation (in name order) whose name is not among them, and
the same search again for the total. ORGS.json stands in for the database: a list of
{"id", "name", "title", "state" (default "active"), "extras": {key: value}}, the extras
being the organisation's active group extras. It prints the command's own line, then one
JSON line: {"added", "total", "hits", "existing_names_seen", "added_names"}.

`django` makes the reads of the new Django front end (alphagov/datagovuk
`datagovuk/directory/solr.py`): every organisation with `site_id:dgu_organisations*` and
rows=6000, a dataset search with its filters (`-site_id:dgu_organisations*`) and facets,
the same filter alone over `*:*`, the "match nothing" query, and optionally a publisher
(title -> slug through the organisation map) and a format filter (values joined with
" OR "). It prints one JSON line with the answers.

Any error (HTTP, Solr, assertion) is raised: the exit status is non-zero with a traceback.
Needs only pysolr (and the Python standard library).
"""

import argparse
import json
import sys

import pysolr

ORG_SITE_ID = "dgu_organisations_2"
# The extras reindex-organisations copies into the document, as `extras_<key>`.
ORG_EXTRAS = ("contact-email", "contact-name", "foi-name", "foi-email", "foi-web")
# Find reads at most this many organisations; the Django app this many.
FIND_ORGS_ROWS = 3000
DJANGO_ORGS_ROWS = 6000


def reindex(url, orgs_path):
    with open(orgs_path, encoding="utf-8") as f:
        database = json.load(f)

    solr = pysolr.Solr(url, always_commit=True)
    solr.ping()
    # Exactly what the command sends: q is a bare `*` and the filter is in parentheses.
    existing = solr.search("*", fq="(site_id:%s)" % ORG_SITE_ID, rows=FIND_ORGS_ROWS)
    existing_names = [doc["name"] for doc in existing]

    # The command walks the active organisations ordered by name.
    active = sorted(
        (o for o in database if o.get("state", "active") == "active"),
        key=lambda o: o["name"],
    )
    documents = []
    for org in active:
        if org["name"] in existing_names:
            continue
        doc = {
            "site_id": ORG_SITE_ID,
            "id": org["id"],
            "title": org["title"],
            "name": org["name"],
        }
        for key, value in org.get("extras", {}).items():
            if key in ORG_EXTRAS:
                doc["extras_%s" % key] = value
        documents.append(doc)

    # No index_id: the server must make one up, as Solr's schema lets it. Nothing is sent
    # when there is nothing to add.
    if documents:
        solr.add(documents)

    results = solr.search("*", fq="(site_id:%s)" % ORG_SITE_ID, rows=FIND_ORGS_ROWS)
    # The command's total is len(results): the documents returned, not numFound.
    print("Added %d organisations, total number = %d" % (len(documents), len(results)))
    print(
        json.dumps(
            {
                "added": len(documents),
                "total": len(results),
                "hits": results.hits,
                "existing_names_seen": existing_names,
                "added_names": [d["name"] for d in documents],
            }
        )
    )


def django_filters():
    return ["state:active", "type:dataset", "-site_id:dgu_organisations*"]


def django_facets():
    return {
        "facet": "true",
        "facet.field": ["organization", "extras_theme-primary", "res_format"],
        "f.organization.facet.limit": DJANGO_ORGS_ROWS,
        "facet.sort": "count",
        "facet.mincount": 1,
    }


def facet_pairs(results, field):
    flat = results.facets["facet_fields"][field]
    return [[flat[i], flat[i + 1]] for i in range(0, len(flat), 2)]


def django(url, publisher, formats):
    solr = pysolr.Solr(url, always_commit=True, timeout=30)

    orgs = solr.search(
        q="*:*",
        fq=["site_id:dgu_organisations*"],
        fl=["title", "name"],
        rows=DJANGO_ORGS_ROWS,
    )
    by_title = {doc["title"]: doc["name"] for doc in orgs}

    datasets = solr.search(q="*:*", fq=django_filters(), start=0, rows=20, **django_facets())
    # Every non-organisation document, whatever its state or type.
    everything = solr.search(q="*:*", fq=["-site_id:dgu_organisations*"], rows=0)
    nothing = solr.search(q="id:[* TO *] AND -id:[* TO *]", fq=django_filters())

    out = {
        "orgs": {"hits": orgs.hits, "docs": orgs.docs},
        "datasets": {
            "hits": datasets.hits,
            "returned": len(datasets.docs),
            "organization": facet_pairs(datasets, "organization"),
        },
        "non_org_docs": everything.hits,
        "match_nothing": nothing.hits,
    }

    if publisher is not None:
        slug = by_title.get(publisher)
        filters = django_filters()
        if slug:
            filters.append("organization:%s" % slug)
        found = solr.search(q="*:*", fq=filters, rows=0)
        out["publisher"] = {"slug": slug, "hits": found.hits}

    if formats:
        filters = django_filters()
        filters.append(" OR ".join('res_format:"%s"' % f for f in formats))
        found = solr.search(q="*:*", fq=filters, rows=0)
        out["format"] = {"filter": filters[-1], "hits": found.hits}

    print(json.dumps(out))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solr-url", required=True)
    modes = parser.add_subparsers(dest="mode", required=True)
    r = modes.add_parser("reindex")
    r.add_argument("orgs")
    d = modes.add_parser("django")
    d.add_argument("--publisher")
    d.add_argument("--format", action="append", default=[])
    args = parser.parse_args(argv)
    if args.mode == "reindex":
        reindex(args.solr_url, args.orgs)
    else:
        django(args.solr_url, args.publisher, args.format)


if __name__ == "__main__":
    main(sys.argv[1:])
