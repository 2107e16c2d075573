#!/usr/bin/env bash
# What the source generator adds to every build of a consuming app (docs/performance.md).
#
#   benchmarks/build-time/measure.sh model.json [model.json ...]
#
# For each model: a throwaway console app binds it with [PrunedNetwork]; after a first build,
# Program.cs is touched and the app rebuilt five times (no restore), as a developer's edit-build
# loop does. The same app without the attribute and the AdditionalFiles item is the baseline.
# The generator's own time comes from the compiler's analyzer report (ReportAnalyzer).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release -v q -nologo "$repo/src/Generator" >/dev/null

make_app() { # dir, model (or empty for the baseline)
  mkdir -p "$1"
  local files="" attribute=""
  if [ -n "$2" ]; then
    cp "$2" "$1/net.model.json"
    files='<AdditionalFiles Include="net.model.json" />'
    attribute='[Prunet.PrunedNetwork("net.model.json")] internal static partial class Net { }'
  fi
  cat > "$1/App.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$repo/src/Generator/Prunet.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
    $files
  </ItemGroup>
</Project>
XML
  printf 'Console.WriteLine("hello");\n%s\n' "$attribute" > "$1/Program.cs"
  dotnet build -c Release -v q -nologo "$1" >/dev/null
}

median_build_seconds() { # dir
  local times=()
  for _ in 1 2 3 4 5; do
    touch "$1/Program.cs"
    local start end
    start=$(date +%s.%N)
    dotnet build -c Release --no-restore -v q -nologo "$1" >/dev/null
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}

generator_seconds() { # dir: the generator's time as the compiler reports it
  touch "$1/Program.cs"
  dotnet build -c Release --no-restore -nologo -v d -p:ReportAnalyzer=true "$1" 2>/dev/null \
    | grep -E "Prunet.Generator.PrunedNetworkGenerator" | grep -oE "[0-9]+([.][0-9]+)?" | head -1
}

lscpu | grep -m1 'Model name' || true
make_app "$work/baseline" ""
base=$(median_build_seconds "$work/baseline")
printf '%-32s %10s %10s %10s %14s\n' model "size (KiB)" "build (s)" "added (s)" "generator (s)"
printf '%-32s %10s %10s %10s %14s\n' "(no model)" "" "$base" "" ""
for model in "$@"; do
  dir="$work/$(basename "$model" .json)"
  make_app "$dir" "$model"
  build=$(median_build_seconds "$dir")
  printf '%-32s %10s %10s %10s %14s\n' "$(basename "$model")" "$(( $(stat -c %s "$model") / 1024 ))" "$build" "$(echo "$build - $base" | bc)" "$(generator_seconds "$dir")"
done
