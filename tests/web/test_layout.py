"""One place for each thing: the `playground` package's modules import each other without
cycles (an import inside a function counts: it only hides the cycle), and the run task's
module stays a thin task. Checked on the source with `ast`."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "playground"


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def _resolve(path, node):
    """The absolute module an ImportFrom starts from (relative imports included)."""
    if not node.level:
        return node.module
    base = module_name(path).split(".")
    if path.name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def playground_imports(path):
    """The playground modules a file imports, at the top or inside a function (`from playground
    import services` names the module playground.services; a name that is not a module, the
    module that holds it)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(path, node)
            names = [
                f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module for alias in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in MODULES:  # playground.x.y where y is not a module: playground.x
                name = name.rpartition(".")[0]
            if name and name != "playground" and name.split(".")[0] == "playground":
                found.add(name)
    return found - {module_name(path)}


def import_graph():
    return {name: playground_imports(path) for name, path in MODULES.items()}


def _groups(graph):
    """The strongly connected components of two or more modules (Tarjan): modules that
    import each other, through any path."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for dep in sorted(graph.get(node, ())):
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            group = set()
            while not group or node not in group:
                group.add(stack.pop())
            on_stack.difference_update(group)
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _shortest_cycle(graph, group):
    """The shortest cycle from the group's first module (by name) back to it, inside the group."""
    start = min(group)
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for dep in sorted(graph[path[-1]] & group):
            if dep == start:
                return [*path, start]
            if dep not in seen:
                seen.add(dep)
                paths.append([*path, dep])
    raise AssertionError(group)


def cycles(graph):
    """Each group of modules that import each other, named by one of its cycles: its modules
    from the first by name, that one repeated last. Sorted by that first module."""
    return sorted((_shortest_cycle(graph, group) for group in _groups(graph)), key=lambda c: c[0])


# Cycles of modules this layout's owners have not reworked yet (exactly these modules import
# each other): none now. The test fails once one is gone, so that it leaves this list too.
KNOWN = set()


def test_the_graph_sees_imports():
    graph = import_graph()
    assert graph["playground.jobs"] >= {"playground.compute"}  # the task calls the service that trains a run
    assert "playground.runguard" in graph["playground.celery"]  # an import inside a function counts


def test_a_cycle_is_named():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"b": {"c"}, "c": {"a"}, "a": {"b"}}) == [["a", "b", "c", "a"]]  # from the first by name
    assert cycles({"a": {"b"}, "b": {"a", "c"}, "c": {"b"}, "d": {"e"}, "e": {"d"}}) == [
        ["a", "b", "a"],
        ["d", "e", "d"],
    ]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_in_playground():
    graph = import_graph()
    groups = {frozenset(group): _shortest_cycle(graph, group) for group in _groups(graph)}
    known = {frozenset(cycle) for cycle in KNOWN}
    new = sorted(" -> ".join(cycle) for group, cycle in groups.items() if group not in known)
    assert not new, "import cycles in playground/: " + "; ".join(new)
    assert known <= set(groups), f"gone, take them off KNOWN: {sorted(c for c in KNOWN if frozenset(c) not in groups)}"


def test_the_run_task_is_thin():
    """playground/jobs.py holds the task and nothing else: a function per task that calls one
    service (as playground/uploads/tasks.py does); the work lives where it can be tested alone."""
    tree = ast.parse((PACKAGE / "jobs.py").read_text())
    functions = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    assert not [node for node in tree.body if isinstance(node, ast.ClassDef)], "no classes in the task module"
    assert functions and all(any(ast.unparse(d).split(".")[-1] == "task" for d in f.decorator_list) for f in functions)
    for function in functions:
        assert len(function.body) <= 4, f"{function.name} does more than call a service"
