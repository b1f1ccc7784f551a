#!/usr/bin/env bash
# Installs what the tests need, builds, runs every test project, and ends with one line: "N passed, N failed, N skipped".
# Soak and stress suites carry [Trait("Category","Stress")] and run only from bench/stress.sh.
set -uo pipefail
cd "$(dirname "$0")"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# What the tests need beyond the .NET SDK: Node.js and npm (a fresh machine has them), two Node packages installed from
# their lockfiles (the official openai client, the emulator's second client; @microsoft/durabletask-js, the durable
# backend's second SDK), Azurite (the Azure Storage emulator the Azure adapters' contract tests run against), and
# Chromium. Each install is idempotent.
command -v node >/dev/null || { echo "Node.js is required (the second-client tests)"; echo "0 passed, 1 failed"; exit 1; }
for tool in tools/openai-node tools/durabletask-node tools/azurite; do
  if ! (cd "$tool" && npm ci --no-audit --no-fund --silent --loglevel=error); then
    echo "npm ci in $tool failed"
    echo "0 passed, 1 failed"
    exit 1
  fi
done

# Debian's Chromium for the monitor's browser tests (Playwright drives it through ExecutablePath; it cannot download
# browsers here). Installed with apt when missing; needs root or sudo.
if [ ! -x /usr/bin/chromium ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo_cmd="sudo"
  if ! { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium; } >/dev/null 2>&1; then
    # Carry on: every other test still runs, and the browser tests fail saying what is missing.
    echo "warning: installing chromium (apt-get install chromium) failed: the monitor's browser tests need /usr/bin/chromium"
  fi
fi

if ! dotnet build BatchEmbed.slnx -c Release -nologo -v q 2>&1 | tee -a "$log"; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test BatchEmbed.slnx -c Release --no-build -nologo --filter "Category!=Stress" 2>&1 | tee -a "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly lines: "Passed!  - Failed: 0, Passed: 86, Skipped: 0, Total: 86, ..."
read -r passed failed skipped < <(
  grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
    awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the test host itself failed (a crash or timeout) without reporting a failed test
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
