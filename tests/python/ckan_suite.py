"""CKAN 2.12's own search tests against ckan-search (spec ckan-as-client.md section 7 step 6).

Run by tests/tests/ckan.rs with the CKAN venv's interpreter:
    python ckan_suite.py --solr-url http://127.0.0.1:PORT/solr/ckan --workdir DIR --db NAME
It writes a test.ini (its own PostgreSQL role and database, no plugins, the settings of CKAN's
test-core.ini that these tests rely on), runs `ckan db init`, then from the venv's
site-packages runs
    pytest ckan/tests/lib/search ckan/tests/logic/action/test_get.py -k "search or Search"
and prints per-file figures from the junit XML and each failure. Exits non-zero if any test
failed or errored. The tests wipe the database and the whole index of site "default", so the
server must be one of their own.

Loaded into that pytest as a plugin too (-p ckan_suite), to record the deselected tests,
which the junit XML leaves out.
"""

import argparse
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import ckan  # the venv's CKAN: its tests are run from its site-packages
from ckan_e2e import create_db, drop_db, generate_ini

PATHS = ["ckan/tests/lib/search", "ckan/tests/logic/action/test_get.py"]
SELECT = "search or Search"
# Data files the two schema-version tests read; they are in CKAN's source repository but in
# neither the PyPI wheel nor the sdist (ckan-2.12.0.tar.gz has no ckan/tests/lib/search/data).
SCHEMA_TESTS = {
    "ckan/tests/lib/search/test_search.py::test_check_invalid_schema":
        "ckan/tests/lib/search/data/schema-no-version.xml",
    "ckan/tests/lib/search/test_search.py::test_check_schema_with_wrong_version":
        "ckan/tests/lib/search/data/schema-wrong-version.xml",
}
DESELECTED_LOG = "SUITE_DESELECTED_NODEIDS"


def pytest_deselected(items):
    """pytest hook: append the node ids that -k and --deselect left out to DESELECTED_LOG."""
    with open(os.environ[DESELECTED_LOG], "a") as f:
        for item in items:
            f.write(item.nodeid + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--solr-url", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--db", required=True)
    args = p.parse_args()
    bin_dir = os.path.dirname(sys.executable)
    site = os.path.dirname(os.path.dirname(ckan.__file__))
    # CKAN reads CKAN_* variables over the ini (CKAN_SOLR_URL, CKAN_SQLALCHEMY_URL, ...)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}
    ini = os.path.join(args.workdir, "test.ini")
    create_db(args.db)
    try:
        generate_ini(os.path.join(bin_dir, "ckan"), ini, suite_settings(args))
        subprocess.run([os.path.join(bin_dir, "ckan"), "-c", ini, "db", "init"], env=env,
                       check=True, capture_output=True, text=True, timeout=300)
        ok = run_suite(args.workdir, site, ini, env)
    finally:
        drop_db(args.db)
    sys.exit(0 if ok else 1)


def suite_settings(args):
    storage = os.path.join(args.workdir, "storage")
    os.makedirs(storage, exist_ok=True)
    return {
        "sqlalchemy.url": "postgresql://%s:pass@127.0.0.1/%s" % (args.db, args.db),
        "ckan.site_url": "http://test.ckan.net",
        # db 1: the CKAN scenario (ckan_e2e.py), which may run at the same time, uses db 0
        "ckan.redis.url": "redis://127.0.0.1:6379/1",
        "ckan.storage_path": storage,
        "solr_url": args.solr_url,
        "ckan.plugins": "",
        "ckan.site_id": "default",
        "ckan.auth.create_unowned_dataset": "true",
        "ckan.auth.create_dataset_if_not_in_organization": "true",
        "ckan.auth.user_create_groups": "true",
        "ckan.auth.user_create_organizations": "true",
        "ckan.extra_resource_fields": "alt_url",
    }


def run_suite(workdir, site, ini, env):
    junit = os.path.join(workdir, "junit.xml")
    deselected_log = os.path.join(workdir, "deselected.txt")
    open(deselected_log, "w").close()
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "ckan_suite",
           "--ckan-ini=" + ini] + PATHS + ["-k", SELECT, "--junitxml=" + junit, "-q"]
    for test, data in SCHEMA_TESTS.items():
        if not os.path.exists(os.path.join(site, data)):
            print("deselected %s: %s is not in CKAN's wheel nor its sdist" % (test, data))
            cmd += ["--deselect", test]
    env = dict(env, PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
    env[DESELECTED_LOG] = deselected_log
    started = time.time()
    r = subprocess.run(cmd, cwd=site, env=env, capture_output=True, text=True, timeout=1800)
    took = time.time() - started
    tail = r.stdout.strip().splitlines()[-1:] if r.stdout.strip() else []
    print("pytest rc=%d in %.1f s: %s" % (r.returncode, took, " ".join(tail)))
    if r.returncode not in (0, 1) or not os.path.exists(junit):  # not a plain test failure
        print("pytest output (tail):\n%s\n%s" % (r.stdout[-6000:], r.stderr[-6000:]))
    if not os.path.exists(junit):
        return False
    deselected = [line.split("::")[0] for line in open(deselected_log).read().splitlines()]
    rows, failures = read_junit(junit, site)
    total = print_table(rows, deselected, took)
    for test_id, kind, message in failures:
        print("%s %s\n    %s" % (kind.upper(), test_id,
                                 "\n    ".join(message.strip().splitlines()[:8])))
    return (r.returncode == 0 and total["failed"] == 0 and total["errors"] == 0
            and total["passed"] > 0)


def read_junit(path, site):
    """Per file: outcome counts and summed test time; and every failure/error with its
    message."""
    rows = {}
    failures = []
    for case in ET.parse(path).getroot().iter("testcase"):
        file, test_id = file_of(case.get("classname") or "", case.get("name"), site)
        row = rows.setdefault(file, {"passed": 0, "failed": 0, "errors": 0, "skipped": 0,
                                     "time": 0.0})
        row["time"] += float(case.get("time") or 0)
        outcomes = [c for c in case if c.tag in ("failure", "error", "skipped")]
        if not outcomes:
            row["passed"] += 1
        for c in outcomes:
            kind = {"failure": "failed", "error": "errors", "skipped": "skipped"}[c.tag]
            row[kind] += 1
            if c.tag != "skipped":
                failures.append((test_id, c.tag, c.get("message") or c.text or ""))
    return rows, failures


def file_of(classname, name, site):
    """junit's classname is the dotted module path, then any class names:
    ckan.tests.lib.search.test_index.TestSearchIndex -> ckan/tests/lib/search/test_index.py."""
    parts = classname.split(".") if classname else []
    for i in range(len(parts), 0, -1):
        path = "/".join(parts[:i]) + ".py"
        if os.path.exists(os.path.join(site, path)):
            return path, "::".join([path] + parts[i:] + [name])
    # a collection error: no classname, the module as name
    return classname or name, "::".join(p for p in (classname, name) if p)


def print_table(rows, deselected, took):
    cols = ["passed", "failed", "errors", "skipped", "deselected"]
    files = sorted(set(rows) | set(deselected))
    width = max(len(f) for f in files + ["total"])
    print("%-*s %7s %7s %7s %7s %10s %8s" % ((width, "file") + tuple(cols) + ("time s",)))
    total = dict.fromkeys(cols, 0)
    total["time"] = 0.0
    for f in files:
        row = dict(rows.get(f, {}), deselected=deselected.count(f))
        for c in cols + ["time"]:
            row.setdefault(c, 0)
            total[c] += row[c]
        print("%-*s %7d %7d %7d %7d %10d %8.1f"
              % ((width, f) + tuple(row[c] for c in cols) + (row["time"],)))
    print("%-*s %7d %7d %7d %7d %10d %8.1f"
          % ((width, "total") + tuple(total[c] for c in cols) + (total["time"],)))
    print("wall time of the pytest run: %.1f s" % took)
    return total


if __name__ == "__main__":
    main()
