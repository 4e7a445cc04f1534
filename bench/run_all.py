"""Run every benchmark in bench/ (each prints its ratio against a baseline measured in the same
run and exits non-zero when its goal is missed). Timings are not asserted in the test suite."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    env = {**os.environ, "ZHENWU_TESTING": "1", "PYTHONPATH": str(HERE.parent)}
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        result = subprocess.run([sys.executable, str(script)], env=env, cwd=HERE.parent)
        if result.returncode != 0:
            failed.append(script.name)
    if failed:
        print("未达标：" + "、".join(failed))
        return 1
    print("全部基准达标。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
