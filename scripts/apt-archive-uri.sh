#!/usr/bin/env bash
# Prints the archive URI that this machine's apt configuration already uses for Debian's main
# suite (deb822 "URIs:" in *.sources, or the one-line sources.list form), so that set-up can add
# a suite from the same archive without naming any host itself.
set -euo pipefail
codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
for f in /etc/apt/sources.list.d/*.sources; do
  [ -r "$f" ] || continue
  # One stanza per blank-line-separated block; pick a stanza whose Suites name the codename.
  awk -v cn="$codename" '
    BEGIN { RS=""; FS="\n" }
    {
      uris=""; suites=""
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^URIs:/)   { uris=$i;   sub(/^URIs:[ \t]*/, "", uris) }
        if ($i ~ /^Suites:/) { suites=$i; sub(/^Suites:[ \t]*/, "", suites) }
      }
      n = split(suites, s, /[ \t]+/)
      for (j = 1; j <= n; j++) if (s[j] == cn && uris != "") { split(uris, u, /[ \t]+/); print u[1]; exit }
    }' "$f"
done | head -n 1 | grep . && exit 0
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -r "$f" ] || continue
  # deb [options] URI suite components...
  awk -v cn="$codename" '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i+1) == cn) { print $i; exit } }' "$f"
done | head -n 1 | grep .
