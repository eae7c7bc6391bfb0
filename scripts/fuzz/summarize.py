"""Summarises a ./store fuzz-api run: for each contract and caller, the requests schemathesis sent,
the statuses it got, 5xx answers and the failed checks (from its HAR and JUnit reports).

    summarize.py RUN_DIR   # reads RUN_DIR/<contract>-<caller>.har / .xml; prints Markdown
Exit status 1 when any run has a 5xx or a failed check.
"""
import collections
import json
import pathlib
import sys
import xml.etree.ElementTree as ET

run = pathlib.Path(sys.argv[1])
rows, bad = [], False
total = collections.Counter()
for har in sorted(run.glob("*.har")):
    name = har.stem
    contract, caller = name.rsplit("-", 1)
    entries = json.loads(har.read_text() or "{}").get("log", {}).get("entries", [])
    statuses = collections.Counter(e["response"]["status"] for e in entries)
    total.update(statuses)
    failures = []
    xml = run / f"{name}.xml"
    if xml.exists():
        for case in ET.parse(xml).getroot().iter("testcase"):
            for f in list(case.iter("failure")) + list(case.iter("error")):
                failures.append(f"{case.get('name')}: {(f.get('message') or f.text or '').strip().splitlines()[0][:160]}")
    server_errors = sum(n for s, n in statuses.items() if s >= 500)
    bad = bad or server_errors > 0 or bool(failures)
    shown = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
    rows.append((contract, caller, sum(statuses.values()), shown, server_errors, failures))

print("| contract | caller | requests | statuses | 5xx | failed checks |")
print("|---|---|---:|---|---:|---|")
for contract, caller, n, shown, errors, failures in rows:
    print(f"| {contract} | {caller} | {n} | {shown} | {errors} | {len(failures)} |")
print(f"| **all** | | **{sum(total.values())}** | {', '.join(f'{s}: {n}' for s, n in sorted(total.items()))} | "
      f"{sum(n for s, n in total.items() if s >= 500)} | |")
for contract, caller, _, _, _, failures in rows:
    for f in failures:
        print(f"\n- {contract}/{caller}: {f}")
sys.exit(1 if bad else 0)
