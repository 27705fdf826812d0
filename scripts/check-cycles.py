#!/usr/bin/env python3
"""Fails when the top-level modules of src/ import each other in a cycle.

The modules are those src/lib.rs declares (`pub mod data;` …). There is an edge A → B when the
code of any file under module A (src/A.rs, or src/A/**.rs) names B: `crate::B`, `crate::{…, B…}`,
`super::B` where `super` reaches the crate root, or a name that src/lib.rs re-exports from B
(`crate::Error` is `error`'s). Comments and string literals are not code and do not count.

Prints every cycle (as `a → b → a`, with a place in the code for each edge) and exits 1 when there
is one; exits 0 and prints nothing else otherwise. No dependencies beyond python3.

Usage: scripts/check-cycles.py [SRC_DIR]   (default: the src/ next to this script's folder)
"""

import re
import sys
from collections import defaultdict, deque
from pathlib import Path

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_comments_and_strings(text):
    """The code with comments, string and char literals blanked (newlines kept, so line numbers hold)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:]) and (i == 0 or not re.match(r"\w", text[i - 1])):
            hashes = re.match(r"r(#*)\"", text[i:]).group(1)
            end = text.find('"' + hashes, i + 2 + len(hashes))
            j = n if end < 0 else end + 1 + len(hashes)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            # A char literal ('a', '\n', '\u{1F600}'), or a lifetime ('a) which is left alone.
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def crate_modules(lib):
    """The top-level modules src/lib.rs declares, and the names it re-exports from each."""
    code = strip_comments_and_strings(lib.read_text())
    modules = re.findall(rf"^\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+({IDENT})\s*;", code, re.M)
    reexports = {}
    for module, rest in re.findall(rf"^\s*pub\s+use\s+(?:crate::)?({IDENT})::([^;]*);", code, re.M):
        if module in modules:
            for name in re.findall(rf"(?:as\s+)?({IDENT})\s*(?=[,}}]|$)", rest.replace("{", ",")):
                reexports[name] = module
    return modules, reexports


def file_module_path(src, path):
    """The module path of a file: src/rules/feedforward.rs → [rules, feedforward]."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "mod":
        parts.pop()
    return parts


def inline_modules(code):
    """Spans of inline `mod name { … }` blocks: (start, end, name)."""
    spans = []
    for m in re.finditer(rf"\bmod\s+({IDENT})\s*\{{", code):
        depth, j = 1, m.end()
        while j < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[j], 0)
            j += 1
        spans.append((m.start(), j, m.group(1)))
    return spans


def group_heads(code, start):
    """The first path segment of each item of the `{…}` group that opens at `start`."""
    depth, j, items, item = 0, start, [], ""
    while j < len(code):
        c = code[j]
        if c == "{":
            depth += 1
            if depth == 1:
                j += 1
                continue
        elif c == "}":
            depth -= 1
            if depth == 0:
                items.append(item)
                break
        if depth == 1 and c == ",":
            items.append(item)
            item = ""
        else:
            item += c
        j += 1
    heads = []
    for item in items:
        m = re.match(rf"\s*({IDENT})", item)
        if m:
            heads.append(m.group(1))
    return heads


def references(code, module_path):
    """(offset, top-level name) for every name the code reaches through the crate root."""
    spans = inline_modules(code)
    found = []
    consumed = 0
    for m in re.finditer(r"(?<![\w$])(crate|super)\s*::\s*", code):
        if m.start() < consumed:
            continue  # a later `super::` of a chain already read
        if m.group(1) == "crate":
            end = m.end()
        else:
            # Climb one level per `super::`, from the file's module and the inline modules around.
            chain = re.match(r"(?:super\s*::\s*)+", code[m.start():]).group(0)
            end = consumed = m.start() + len(chain)
            level = module_path + [name for (a, b, name) in spans if a < m.start() < b]
            supers = chain.count("super")
            if supers != len(level):
                continue  # still inside a top-level module (or, for bad code, above the root)
        rest = code[end:]
        if rest.startswith("{"):
            found += [(m.start(), head) for head in group_heads(code, end)]
        else:
            head = re.match(IDENT, rest)
            if head:
                found.append((m.start(), head.group(0)))
    return found


def module_graph(src):
    modules, reexports = crate_modules(src / "lib.rs")
    edges = defaultdict(dict)  # a -> b -> "file:line"
    for module in modules:
        files = [src / f"{module}.rs"] + sorted((src / module).rglob("*.rs"))
        for path in files:
            if not path.is_file():
                continue
            code = strip_comments_and_strings(path.read_text())
            for offset, name in references(code, file_module_path(src, path)):
                target = name if name in modules else reexports.get(name)
                if target and target != module and target not in edges[module]:
                    line = code.count("\n", 0, offset) + 1
                    edges[module][target] = f"{path.relative_to(src.parent)}:{line}"
    return modules, edges


def strongly_connected(nodes, edges):
    """Tarjan's algorithm: the strongly connected components."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            out.append(component)

    for v in nodes:
        if v not in index:
            visit(v)
    return out


def shortest_path(edges, start, goal, allowed):
    previous, queue = {start: None}, deque([start])
    while queue:
        v = queue.popleft()
        if v == goal:
            path = []
            while v is not None:
                path.append(v)
                v = previous[v]
            return path[::-1]
        for w in edges.get(v, {}):
            if w in allowed and w not in previous:
                previous[w] = v
                queue.append(w)
    return None


def main():
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "src"
    modules, edges = module_graph(src)
    cycles = set()
    for component in strongly_connected(modules, edges):
        members = set(component)
        if len(members) < 2:
            continue
        # For every edge inside the component, the shortest cycle through it.
        for a in sorted(members):
            for b in sorted(edges[a]):
                if b in members:
                    back = shortest_path(edges, b, a, members)
                    cycle = [a] + back
                    body = cycle[:-1]
                    k = body.index(min(body))
                    cycles.add(tuple(body[k:] + body[:k] + [body[k]]))
    if not cycles:
        return 0
    print(f"import cycles between the top-level modules of {src}:")
    for cycle in sorted(cycles, key=lambda c: (len(c), c)):
        print("  " + " → ".join(cycle))
        for a, b in zip(cycle, cycle[1:]):
            print(f"      {a} → {b}: {edges[a][b]}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
