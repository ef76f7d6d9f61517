"""What ``resilience build`` shows: the live progress bar and the one-screen summary.

:class:`LiveProgress` turns dbt's JSON log events (handed on by :func:`resilience.build.build`
and :func:`resilience.spark.build_on_spark` through ``on_event``) into a rich progress bar,
printing failing tests above it as they happen; :func:`print_summary` prints a finished
:class:`~resilience.build.BuildResult`. The build itself prints nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resilience import dbt

if TYPE_CHECKING:
    from resilience.build import BuildResult

RESULT_EVENTS = frozenset(
    {"LogModelResult", "LogTestResult", "LogSeedResult", "LogSnapshotResult", "SkippingDetails",
     "LogNodeNoOpResult"}
)  # fmt: skip


class LiveProgress:
    """A rich progress bar over dbt's JSON events: nodes done / total, the node running now.

    Use as a context manager and pass :meth:`on_event` to :func:`build`. Failing tests are
    printed above the bar as they happen.
    """

    def __init__(self, console=None):
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = console or Console(stderr=True)
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
            MofNCompleteColumn(), TimeElapsedColumn(), console=self.console, transient=True,
        )  # fmt: skip
        self.task = self.progress.add_task("dbt build: parsing the project", total=None)
        self.done: set[str] = set()

    def __enter__(self) -> LiveProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def on_event(self, event: dict) -> None:
        """Advance the bar on one dbt JSON log event."""
        name = event.get("info", {}).get("name")
        data = event.get("data", {})
        node = data.get("node_info") or {}
        if data.get("total"):
            self.progress.update(self.task, total=data["total"])
        if name == "LogStartLine":
            self.progress.update(self.task, description=f"dbt build: {data.get('description', '')}")
        elif name in RESULT_EVENTS:
            self.done.add(node.get("unique_id") or f"{name}{data.get('index')}")
            self.progress.update(self.task, completed=len(self.done))
            status = str(data.get("status", "")).lower()
            if status in ("fail", "error", "warn"):
                colour = "yellow" if status == "warn" else "red"
                label = node.get("node_name") or data.get("name") or data.get("description")
                failures = data.get("num_failures")
                rows = f" ({failures} rows)" if failures else ""
                self.console.print(
                    f"  [{colour}]{status.upper()}[/] {label}{rows}", highlight=False
                )


def print_summary(result: BuildResult, console=None) -> None:
    """Print the one-screen summary: counts, seconds, failing tests with their first rows."""
    from rich.console import Console

    console = console or Console()
    parts = []
    for rtype in ("seed", "model", "test"):
        counts = result.counts.get(rtype)
        if counts:
            detail = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
            parts.append(f"{sum(counts.values())} {rtype}s ({detail})")
    colour = "green" if result.ok else "red"
    verdict = "passed" if result.ok else "FAILED"
    headline = f"[{colour}]dbt build {verdict}[/] in {result.elapsed_s:.1f} s: "
    console.print(headline + "; ".join(parts), highlight=False)
    for title, nodes, style in (
        ("Failing", result.failing, "red"),
        ("Warnings", result.warnings, "yellow"),
    ):
        if not nodes:
            continue
        console.print(f"[{style}]{title}:[/]")
        for node in nodes[:12]:
            n = f" ({node.failures} rows)" if node.failures else ""
            console.print(f"  [{style}]{node.status.upper()}[/] {node.name}{n}", highlight=False)
            for message in node.messages[: dbt.FAILING_ROWS_SHOWN]:
                console.print(f"      {message}", highlight=False, soft_wrap=True)
        if len(nodes) > 12:
            console.print(f"  ... and {len(nodes) - 12} more")
    for name, models in result.skipped.items():
        console.print(
            f"[yellow]Skipped[/] {len(models)} models: input {name} was not supplied "
            f"({', '.join(models)})", highlight=False, soft_wrap=True,
        )  # fmt: skip
    if result.moved_aside is not None:
        console.print(
            f"[yellow]Damaged[/] warehouse {result.db_path} ({result.damaged}) moved aside to "
            f"{result.moved_aside}.", highlight=False, soft_wrap=True,
        )  # fmt: skip
        console.print(
            f"Warehouse {result.db_path} built anew (no results to carry over).", highlight=False
        )
    elif result.ok and result.carried is None:
        console.print(f"Warehouse {result.db_path} built (the first build).", highlight=False)
    elif result.ok:
        carried = (
            f"{len(result.carried)} table(s) of results.* carried over"
            if result.carried
            else "no results to carry over"
        )
        console.print(f"Warehouse {result.db_path} replaced ({carried}).", highlight=False)
    else:
        console.print(
            f"Warehouse {result.db_path} kept unchanged. Failing rows: schema test_failures "
            f"of {result.failed_db} (resilience sql \"show all tables\" --db "
            f"{result.failed_db}).", highlight=False,
        )  # fmt: skip
