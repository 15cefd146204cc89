#!/usr/bin/env python3
"""Checks what `mpiloom export` wrote, with real parsers (json, csv,
xml.etree). usage:
  check-export.py chrome FILE EVENTS MESSAGES
  check-export.py csv FILE EVENTS
  check-export.py svg FILE RANKS MESSAGES
  check-export.py hostile-chrome|hostile-csv|hostile-svg FILE
Exits 1 with one line on stderr when a check fails."""
import csv
import json
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = 'q"uote <tag> &amp; ,comma \'apos\' \\back'


def fail(msg):
    print("check-export: " + msg, file=sys.stderr)
    sys.exit(1)


def expect(what, got, want):
    if got != want:
        fail("%s: expected %r, got %r" % (what, want, got))


def chrome(path, events, messages):
    with open(path, "rb") as f:
        doc = json.load(f)
    records = doc["traceEvents"]
    calls = [r for r in records if r.get("ph") == "X"]
    expect("complete events", len(calls), events)
    expect("events in the summary", doc["mpiloom"]["events"], events)
    named = {r["pid"] for r in records if r.get("ph") == "M" and r["name"] == "process_name"}
    for c in calls:
        if c["pid"] not in named:
            fail("rank %d has no process_name" % c["pid"])
    flows = {}
    for r in records:
        if r.get("ph") in ("s", "f"):
            flows.setdefault(r["id"], []).append(r)
    expect("flows", len(flows), messages)
    used = set()

    def inside(flow, cat):
        """the flow's time lies in a slice of that class on its rank, and
        no other flow of this end is bound to that slice"""
        for i, c in enumerate(by_pid.get(flow["pid"], ())):
            if c["cat"] == cat and c["ts"] <= flow["ts"] <= c["ts"] + c["dur"]:
                if (flow["pid"], i) in used:
                    fail("two flows on one %s of rank %d" % (cat, flow["pid"]))
                used.add((flow["pid"], i))
                return True
        return False

    by_pid = {}
    for c in calls:
        by_pid.setdefault(c["pid"], []).append(c)
    for fid, pair in flows.items():
        phases = sorted(r["ph"] for r in pair)
        if phases != ["f", "s"]:
            fail("flow %s: phases %s, not one s and one f" % (fid, phases))
        s = next(r for r in pair if r["ph"] == "s")
        e = next(r for r in pair if r["ph"] == "f")
        if not inside(s, "send"):
            fail("flow %s does not start in a send" % fid)
        if not inside(e, "receive") or e.get("bp") != "e":
            fail("flow %s does not end in a receive" % fid)
    return doc


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        table = list(csv.reader(f, strict=True))
    header = table[0]
    expect("first column", header[0], "rank")
    for i, row in enumerate(table[1:]):
        if len(row) != len(header):
            fail("row %d has %d fields, the header %d" % (i + 1, len(row), len(header)))
    return header, table[1:]


def svg(path, ranks, messages):
    root = ET.parse(path).getroot()
    labels = [t for t in root.iter(SVG + "text") if t.get("class") == "rank"]
    expect("row labels", [t.text for t in labels], ["rank %d" % r for r in range(ranks)])
    arrows = [l for l in root.iter(SVG + "line") if l.get("class") == "msg"]
    expect("arrows", len(arrows), messages)
    return root


def svg_logical(path, ranks, messages):
    """--time logical: every arrow runs left to right, and the axis counts steps."""
    root = svg(path, ranks, messages)
    for l in root.iter(SVG + "line"):
        if l.get("class") == "msg" and not float(l.get("x2")) > float(l.get("x1")):
            raise SystemExit("an arrow from x=%s to x=%s" % (l.get("x1"), l.get("x2")))
    ticks = [t.text for t in root.iter(SVG + "text") if t.get("class") == "tick"]
    if not ticks or not all(t.startswith("step ") for t in ticks):
        raise SystemExit("ticks %r are not steps" % ticks)


def main(argv):
    what, path = argv[1], argv[2]
    nums = [int(a) for a in argv[3:]]
    if what == "chrome":
        chrome(path, *nums)
    elif what == "csv":
        expect("rows", len(rows(path)[1]), nums[0])
    elif what == "svg-logical":
        svg_logical(path, *nums)
    elif what == "svg":
        svg(path, *nums)
    elif what == "hostile-chrome":
        doc = chrome(path, 3, 1)
        if not doc["otherData"]["scenario"].startswith(HOSTILE):
            fail("the scenario did not survive: %r" % doc["otherData"]["scenario"])
        payloads = [r["args"]["payload"] for r in doc["traceEvents"] if "payload" in r.get("args", {})]
        if not payloads or '"<&>,' not in payloads[0]:
            fail("the payload did not survive: %r" % payloads)
        held = [r["name"] for r in doc["traceEvents"] if r.get("ph") == "i"]
        expect("calls in progress", held, ["MPI_Recv (blocked)"])
    elif what == "hostile-csv":
        header, table = rows(path)
        expect("rows", len(table), 3)
        payload = table[0][header.index("payload")]
        if '"<&>,' not in payload:
            fail("the payload did not survive: %r" % payload)
    elif what == "hostile-svg":
        root = svg(path, 3, 1)
        held = [r for r in root.iter(SVG + "rect") if r.get("class") == "held"]
        expect("calls in progress drawn", len(held), 1)
        title = "".join(root.find(SVG + "title").itertext())
        if HOSTILE not in title:
            fail("the scenario did not survive: %r" % title)
    else:
        fail("unknown check " + what)


main(sys.argv)
