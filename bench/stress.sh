#!/usr/bin/env bash
# Soak and stress suites (tests with [Trait("Category","Stress")]): long, and not part of ./test.sh.
#   bench/stress.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build BatchEmbed.slnx -c Release -nologo -v q >/dev/null
dotnet test BatchEmbed.slnx -c Release --no-build -nologo --filter "Category=Stress"
