"""How long `ask --planner llm` takes when the model misbehaves, against servers on 127.0.0.1 (DESIGN.md §9).

Each fault — a closed port, a server that answers after 30 s, HTTP 429 (Retry-After: 30), HTTP 500, a reply
that is not JSON — is run as a real `segment-agent ask` process; the baseline is `--planner embedded` (no
model at all) in the same run, so "over baseline" is what the model path cost. The acceptance bound is
deadline + 2 s of model time per answer. Not a test: it prints a table (wall, CPU-s of the child, the warning).

    python bench/llm_deadlines.py [--deadline 20] [--workspace PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import data  # noqa: E402,F401 - the bundled sample shop's package, imported before tests/ (it has a data/ too)

sys.path.append(str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from llm_servers import FakeModelServer, Reply, always, closed_port_url, completion  # noqa: E402
from timing import load_line  # noqa: E402

QUESTION = "who are my lapsing high-value customers?"


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ask(workspace: Path, base_url: str | None, planner: str) -> tuple[float, float, dict]:
    env = {**os.environ, "SEGMENT_AGENT_MODEL": "bench-model"}
    env.pop("OPENAI_API_KEY", None)
    if base_url:
        env["OPENAI_BASE_URL"] = base_url
    started, cpu = time.perf_counter(), child_cpu()
    command = [sys.executable, "-c", "from agent.launcher import main; main()", "-w", str(workspace), "ask", QUESTION,
               "--planner", planner, "--json"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - started, child_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"ask failed ({done.returncode}): {done.stderr[-400:]}")
    return wall, cpu, json.loads(done.stdout)


def sample_workspace(root: Path) -> Path:
    """The bundled sample shop, ingested (features come with the orders ingest)."""
    from tools.ingest.load import ingest_file
    from tools.ingest.sample_shop import sample_files
    from tools.runtime.shop import Shop

    with Shop(root, create=True) as shop:
        for table, path in sample_files().items():
            ingest_file(shop, table, path)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadline", type=float, default=20.0, help="[llm] deadline_s (default 20)")
    parser.add_argument("--workspace", type=Path, help="an ingested workspace (default: the sample shop)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "ws"
        if options.workspace:
            shutil.copytree(options.workspace, root)
        else:
            sample_workspace(root)
        (root / "segment-agent.toml").write_text(f"[llm]\ndeadline_s = {options.deadline}\n")
        error = {"error": {"message": "scripted"}}
        faults = {
            "closed port": None,
            "30 s delay": Reply(200, completion("late"), delay=30),
            "HTTP 429 Retry-After 30": Reply(429, error, {"Retry-After": "30"}),
            "HTTP 500": Reply(500, error),
            "malformed JSON": Reply(200, b"{this is not json"),
        }
        print(load_line())
        base_wall, base_cpu, _ = ask(root, None, "embedded")
        print(f"baseline --planner embedded: wall {base_wall:.2f} s, CPU {base_cpu:.2f} s "
              f"(deadline_s = {options.deadline:g}; bound: deadline + 2 s over baseline)\n")
        print(f"{'fault':<26} {'wall s':>7} {'over base':>9} {'CPU s':>6} {'within':>6}  warning")
        for name, reply in faults.items():
            if reply is None:
                wall, cpu, answer = ask(root, closed_port_url(), "llm")
            else:
                with FakeModelServer(always(reply)) as server:
                    wall, cpu, answer = ask(root, server.base_url, "llm")
            warning = next((w for w in answer["warnings"] if "language model" in w), "(no warning)")
            over = wall - base_wall
            ok = "yes" if over <= options.deadline + 2 and answer["planner"] == "embedded" else "NO"
            print(f"{name:<26} {wall:>7.2f} {over:>9.2f} {cpu:>6.2f} {ok:>6}  {warning}")
        print("\n" + load_line())


if __name__ == "__main__":
    main()
