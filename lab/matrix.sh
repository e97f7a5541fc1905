#!/usr/bin/env bash
# Regenerates docs/traversal-matrix.md and docs/traversal-matrix.svg: runs KernelTraversalMatrixTest, the
# kernel NAT lab's traversal matrix (every pair of natlab.sh's seven behaviours, punch-test on both sides).
# Needs root, iproute2, nftables and conntrack; uses the namespace prefixes mx1 and mx2. Takes about a minute.
# Extra arguments go to Maven (for example -o to stay offline).
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"
exec ./mvnw -B -q -pl sip-agent -am verify -Dtest='KernelTraversalMatrixTest' \
    -Dsurefire.failIfNoSpecifiedTests=false -Dmatrix.out="$top/docs" "$@"
