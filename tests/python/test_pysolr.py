"""End-to-end round trips with the real pysolr client against ckan-search.

Usage: python test_pysolr.py http://127.0.0.1:PORT/solr/ckan [json|xml]

`json` sends adds as pysolr 3.9+ does by default (a JSON array); `xml` sends them as an
XML <add> (what pysolr before 3.9 always sent, and what 3.9+ sends when `boost` is given).
With pysolr older than 3.9 every add is XML whatever the mode. The steps run in order
against one core, each asserting exact results; the first failure prints its traceback
and the script exits with status 1. Needs only pysolr (and the Python standard library).
"""

import datetime
import sys
import time
import traceback
from importlib.metadata import version
from urllib.parse import urlencode

import pysolr


def pysolr_version():
    return tuple(int(p) for p in version("pysolr").split(".")[:2])


class Run:
    def __init__(self, url, mode):
        self.mode = mode
        self.version = pysolr_version()
        # Before 3.9 pysolr has neither always_commit nor JSON adds.
        self.json_adds = mode == "json" and self.version >= (3, 9)
        if self.version >= (3, 8):
            self.solr = pysolr.Solr(url, always_commit=False, timeout=30)
        else:
            self.solr = pysolr.Solr(url, timeout=30)

    def docs(self):
        """Three CKAN-shaped package documents, as CKAN's index_package builds them."""

        def when(*parts):
            value = datetime.datetime(*parts)
            # CKAN turns dates into strings before a JSON add (json.JSONEncoder, pysolr's
            # default, cannot encode a datetime); pysolr's XML builder formats a datetime
            # itself as `…Z`.
            return value if not self.json_adds else value.isoformat() + "Z"

        return [
            {
                "index_id": "key-river",
                "id": "id-river",
                "site_id": "default",
                "entity_type": "package",
                "dataset_type": "dataset",
                "state": "active",
                "capacity": "public",
                "name": "river-levels",
                "title": "River Levels",
                "notes": "Daily river level readings from gauging stations.",
                "tags": ["flood", "water"],
                # CKAN leaves None for a resource without a format: pysolr drops it
                # from XML and sends null in JSON.
                "res_format": ["CSV", None],
                "extras_theme-primary": "environment",
                "metadata_modified": when(2024, 3, 1, 10, 0, 0),
                "private": False,
                "num_resources": 2,
            },
            {
                "index_id": "key-flood",
                "id": "id-flood",
                "site_id": "default",
                "entity_type": "package",
                "dataset_type": "dataset",
                "state": "active",
                "capacity": "public",
                "name": "flood-warnings",
                "title": "Flood Warnings",
                "notes": "Current flood warnings for rivers.",
                "tags": ["flood", "alerts"],
                "res_format": ["JSON"],
                "extras_theme-primary": "environment",
                "metadata_modified": when(2024, 5, 1, 8, 30, 0),
                "private": False,
                "num_resources": 1,
            },
            {
                "index_id": "key-schools",
                "id": "id-schools",
                "site_id": "default",
                "entity_type": "package",
                "dataset_type": "dataset",
                "state": "active",
                "capacity": "public",
                "name": "school-census",
                "title": "School Census",
                "notes": "Pupil numbers by school.",
                "tags": ["education"],
                "res_format": ["CSV", "XLS"],
                "extras_theme-primary": "education",
                "metadata_modified": when(2023, 1, 15, 0, 0, 0),
                "private": False,
                "num_resources": 3,
            },
        ]

    def ids(self, q, **params):
        results = self.solr.search(q, fl="id", rows=10, **params)
        return [d["id"] for d in results.docs]

    def add(self, docs, **flags):
        if self.json_adds:
            return self.solr.add(docs, **flags)
        # boost={} makes pysolr 3.9+ build an XML <add> (with no boost attributes).
        return self.solr.add(docs, boost={}, **flags)

    # The steps, in order.

    def step_start_empty(self):
        self.solr.delete(q="*:*", commit=True)
        assert self.solr.search("*:*").hits == 0

    def step_add_with_commit(self):
        self.add(self.docs(), commit=True)
        results = self.solr.search("*:*")
        assert results.hits == 3, results.raw_response

    def step_stored_fields_round_trip(self):
        results = self.solr.search(
            'id:"id-river"',
            fl="id,name,title,tags,res_format,private,num_resources,metadata_modified",
        )
        assert results.docs == [
            {
                "id": "id-river",
                "name": "river-levels",
                "title": "River Levels",
                "tags": ["flood", "water"],
                "res_format": ["CSV"],
                "metadata_modified": "2024-03-01T10:00:00Z",
            }
        ], results.docs
        # private and num_resources fall to CKAN's `*` dynamic field: indexed, not stored.
        assert self.solr.search("private:false").hits == 3
        assert self.ids("private:true") == []

    def step_field_search(self):
        results = self.solr.search("tags:flood", fl="id,name", sort="id asc")
        assert results.hits == 2, results.raw_response
        assert results.docs == [
            {"id": "id-flood", "name": "flood-warnings"},
            {"id": "id-river", "name": "river-levels"},
        ], results.docs
        assert self.ids("extras_theme-primary:environment", sort="id asc") == [
            "id-flood",
            "id-river",
        ]
        assert self.ids("num_resources:[2 TO *]", sort="id asc") == [
            "id-river",
            "id-schools",
        ]

    def step_ckan_dismax_search(self):
        # package_search's parameters for q="river levels" (CKAN's query.py defaults).
        results = self.solr.search(
            "river levels",
            defType="dismax",
            qf="name^4 title^4 tags^2 groups^2 text",
            mm="2<-1 5<80%",
            tie="0.1",
            fl="id",
            fq='+site_id:"default" +capacity:public',
            **{"q.op": "AND", "df": "text"},
        )
        # Two clauses: mm requires both; only River Levels has "levels".
        assert [d["id"] for d in results.docs] == ["id-river"], results.raw_response
        results = self.solr.search(
            "flood",
            defType="dismax",
            qf="name^4 title^4 tags^2 groups^2 text",
            mm="2<-1 5<80%",
            fl="id",
        )
        # Flood Warnings has "flood" in its title (boost 4) and tags; River Levels only
        # in its tags.
        assert [d["id"] for d in results.docs] == ["id-flood", "id-river"], results.raw_response

    def step_facets(self):
        results = self.solr.search(
            "*:*",
            rows=0,
            facet="true",
            **{"facet.field": ["tags", "res_format"], "facet.mincount": 1},
        )
        assert results.hits == 3
        # Solr's facet.sort=count: count descending, ties in index (byte) order.
        assert results.facets["facet_fields"] == {
            "tags": ["flood", 2, "alerts", 1, "education", 1, "water", 1],
            "res_format": ["CSV", 2, "JSON", 1, "XLS", 1],
        }, results.facets

    def step_long_query_is_posted(self):
        names = " OR ".join('"missing-dataset-%03d"' % i for i in range(120))
        fq = "name:(%s OR \"flood-warnings\")" % names
        params = {"q": "*:*", "fq": fq, "fl": "id", "wt": "json"}
        # pysolr switches from GET to a form POST at 1024 encoded characters.
        assert len(urlencode(params, doseq=True)) >= 1024
        results = self.solr.search("*:*", fq=fq, fl="id")
        assert results.hits == 1, results.raw_response
        assert results.docs == [{"id": "id-flood"}], results.docs

    def step_sort(self):
        assert self.ids("*:*", sort="metadata_modified desc") == [
            "id-flood",
            "id-river",
            "id-schools",
        ]
        assert self.ids("*:*", sort="metadata_modified asc") == [
            "id-schools",
            "id-river",
            "id-flood",
        ]

    def step_bad_sort_is_a_solr_error(self):
        try:
            self.solr.search("*:*", sort="metadata_modified")
        except pysolr.SolrError as err:
            assert "Can't determine a Sort Order" in str(err), str(err)
            assert "HTTP 400" in str(err), str(err)
        else:
            raise AssertionError("sort=metadata_modified did not raise SolrError")

    def step_delete_by_query_then_commit(self):
        self.solr.delete(q='+site_id:"default" +name:"school-census"', commit=False)
        self.solr.commit()
        assert self.solr.search('name:"school-census"').hits == 0
        assert self.ids("*:*", sort="id asc") == ["id-flood", "id-river"]

    def step_delete_by_id_then_commit(self):
        self.solr.delete(id="key-flood", commit=False)
        self.solr.commit()
        assert self.ids("*:*") == ["id-river"]

    def step_readd_replaces_by_index_id(self):
        river = self.docs()[0]
        river["title"] = "River Levels Renamed"
        self.add([river], commit=False)
        self.solr.commit()
        results = self.solr.search("*:*", fl="id,title")
        assert results.docs == [{"id": "id-river", "title": "River Levels Renamed"}], results.docs

    def step_commit_flags(self):
        extra = dict(self.docs()[2], index_id="key-extra", id="id-extra", name="extra")
        # softCommit=true&waitSearcher=true: visible when the call returns.
        self.add([extra], commit=False, softCommit=True, waitSearcher=True, overwrite=True)
        assert self.ids("*:*", sort="id asc") == ["id-extra", "id-river"]
        self.solr.delete(id="key-extra", commit=False)
        # commitWithin (a URL flag from 3.9, an <add commitWithin> attribute before).
        later = dict(extra, index_id="key-later", id="id-later", name="later")
        self.add([later], commit=False, commitWithin="500")
        deadline = time.monotonic() + 5
        while self.ids("*:*", sort="id asc") != ["id-later", "id-river"]:
            assert time.monotonic() < deadline, self.ids("*:*", sort="id asc")
            time.sleep(0.05)
        self.solr.delete(id="key-later", commit=False)
        self.solr.commit(waitSearcher=False)
        self.solr.optimize()
        assert self.ids("*:*") == ["id-river"]

    def step_ping(self):
        if not hasattr(self.solr, "ping"):
            return "skipped: this pysolr has no ping()"
        body = self.solr.ping()
        assert '"OK"' in body, body

    def run(self):
        steps = [s for s in sorted(dir(self)) if s.startswith("step_")]
        # Keep the declaration order (sorted() above only collects the names).
        steps.sort(key=lambda s: getattr(type(self), s).__code__.co_firstlineno)
        label = "pysolr %s, %s adds" % (version("pysolr"), "JSON" if self.json_adds else "XML")
        passed = 0
        for step in steps:
            try:
                note = getattr(self, step)()
            except Exception:
                print("FAIL %s (%s)" % (step, label))
                traceback.print_exc(file=sys.stdout)
                print("%s: %d passed, 1 failed" % (label, passed))
                return 1
            passed += 1
            print("ok   %s%s" % (step, " (%s)" % note if note else ""))
        print("%s: %d passed, 0 failed" % (label, passed))
        return 0


def main(argv):
    if len(argv) not in (2, 3) or (len(argv) == 3 and argv[2] not in ("json", "xml")):
        print(__doc__)
        return 2
    return Run(argv[1], argv[2] if len(argv) == 3 else "json").run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
