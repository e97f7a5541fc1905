#!/usr/bin/env bash
# Regenerates docs/traversal-matrix.md and docs/traversal-matrix.svg: runs KernelTraversalMatrixTest, the
# agent's traversal matrix on the kernel NAT lab: for every pair of natlab.sh's seven behaviours a real call
# through Kamailio, the callee agent registered behind site b, the caller agent behind site a, both in NAT
# traversal mode, the caller with coturn as its TURN relay (the infeasible pairs are relayed, a direct call must
# leave coturn untouched); then the extras: neighbour load and double NAT.
#
#   lab/matrix.sh [--trials N] [MAVEN ARGS...]     trials per pair, default 3 (the CI run of the test does 1,
#                                                   and fewer extras)
#
# Needs root, iproute2, nftables, conntrack, kamailio and coturn (turnserver); its namespaces are named mxN-* and
# mxdN-* (N from the test's process id, so runs from two checkouts do not meet). Takes about 4.5 minutes with
# --trials 1 and 2.5 minutes more per further trial (3 s a call). Maven arguments, for example -o to stay offline, go to ./mvnw.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
trials=3
if [ "${1:-}" = --trials ]; then
    trials="${2:?--trials needs a number}"
    shift 2
fi
[[ "$trials" =~ ^[1-9][0-9]?$ ]] || { echo "matrix.sh: --trials must be 1..99" >&2; exit 2; }
cd "$top"
exec ./mvnw -B -q -pl sip-agent -am verify -Dtest='KernelTraversalMatrixTest' \
    -Dsurefire.failIfNoSpecifiedTests=false -Dmatrix.out="$top/docs" -Dmatrix.trials="$trials" "$@"
