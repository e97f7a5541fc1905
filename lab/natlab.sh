#!/usr/bin/env bash
# A NAT lab in network namespaces with the kernel's NAT (nftables). Needs root, iproute2, nftables.
#
#   natlab.sh up   --prefix P --nat TYPE [--delta D] [--base PORT]
#   natlab.sh down --prefix P
#   natlab.sh exec --prefix P NODE -- COMMAND...
#   natlab.sh types
#
# Topology (every name starts with the prefix, so labs never collide and `down` finds everything):
#
#   P-disc  198.18.0.21, 198.18.0.31  (discovery host, two public IPs for RFC 5780)
#      |
#   P-inet  bridge "inet" on 198.18.0.0/15 (the internet)
#      |
#   P-nat   wan 198.18.1.1/15  --  lan 10.0.1.1/24   (the NAT router, behaviour per --nat)
#      |
#   P-cli   10.0.1.2/24, default route via 10.0.1.1  (the client)
#
# NAT types (RFC 4787 mapping / filtering):
#   open                   routing only, the client has 198.18.1.2 on the internet side
#   port-restricted        masquerade: endpoint-independent mapping, port kept; unsolicited inbound dropped
#   symmetric-random       masquerade fully-random: a random port per new 5-tuple
#   symmetric-sequential   every new 5-tuple takes the next port: base, base+D, base+2D, ... (a named map
#                          driven by numgen; the direct "numgen ... offset" form byte-swaps ports)
# Unsolicited inbound traffic is dropped in the router's filter chains (input and forward), never in
# nat chains, so an early packet cannot leave a conntrack entry that steals a port.
set -Eeuo pipefail

die() { echo "natlab: $*" >&2; exit 2; }

TYPES="open port-restricted symmetric-random symmetric-sequential"

prefix=""; nat=""; delta=1; base=40000; cmd="${1:-}"
[ -n "$cmd" ] || die "usage: natlab.sh up|down|exec|types ..."
shift
node=""
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$2"; shift 2 ;;
        --nat) nat="$2"; shift 2 ;;
        --delta) delta="$2"; shift 2 ;;
        --base) base="$2"; shift 2 ;;
        --) shift; break ;;
        *) if [ "$cmd" = exec ] && [ -z "$node" ]; then node="$1"; shift; else die "unknown argument: $1"; fi ;;
    esac
done

ns() { echo "${prefix}-$1"; }

down() {
    for n in cli nat disc inet; do
        ip netns del "$(ns $n)" 2>/dev/null || true
    done
}

nat_rules() {
    local table
    case "$nat" in
        open) table="" ;;
        port-restricted) table='chain post { type nat hook postrouting priority srcnat; oifname "wan" masquerade
                           }' ;;
        symmetric-random) table='chain post { type nat hook postrouting priority srcnat; oifname "wan" masquerade fully-random
                            }' ;;
        symmetric-sequential)
            local n=512 elements="" i
            for ((i = 0; i < n; i++)); do
                elements+="${elements:+, }$i : $((base + i * delta))"
            done
            table="map seqports { typeof numgen inc mod $n : udp sport; elements = { $elements } }
                   chain post { type nat hook postrouting priority srcnat;
                                oifname \"wan\" meta l4proto udp snat ip to 198.18.1.1 : numgen inc mod $n map @seqports
                   }" ;;
        *) die "unknown NAT type '$nat' (one of: $TYPES)" ;;
    esac
    local filter='table inet filter {
        chain input { type filter hook input priority filter; policy drop;
                      iifname "lo" accept; ct state established,related accept; iifname "lan" accept; }
        chain forward { type filter hook forward priority filter; policy drop;
                        ct state established,related accept; iifname "lan" accept; }
    }'
    if [ "$nat" = open ]; then
        # a router without NAT still forwards both ways: the client is on the internet
        filter='table inet filter {
            chain forward { type filter hook forward priority filter; policy accept
            }
        }'
    fi
    {
        echo "$filter"
        [ -z "$table" ] || printf 'table ip nat {\n%s\n}\n' "$table"
    } | ip netns exec "$(ns nat)" nft -f -
}

up() {
    [ -n "$nat" ] || die "up needs --nat TYPE (one of: $TYPES)"
    down
    trap 'echo "natlab: setup failed, tearing down" >&2; down' ERR
    for n in inet disc nat cli; do
        ip netns add "$(ns $n)"
        ip -n "$(ns $n)" link set lo up
        ip netns exec "$(ns $n)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    done
    ip -n "$(ns inet)" link add inet type bridge
    ip -n "$(ns inet)" link set inet up
    # discovery host
    ip -n "$(ns inet)" link add disc type veth peer name eth0 netns "$(ns disc)"
    ip -n "$(ns inet)" link set disc master inet up
    ip -n "$(ns disc)" addr add 198.18.0.21/15 dev eth0
    ip -n "$(ns disc)" addr add 198.18.0.31/15 dev eth0
    ip -n "$(ns disc)" link set eth0 up
    # router
    ip -n "$(ns inet)" link add nat type veth peer name wan netns "$(ns nat)"
    ip -n "$(ns inet)" link set nat master inet up
    ip -n "$(ns nat)" addr add 198.18.1.1/15 dev wan
    ip -n "$(ns nat)" link set wan up
    ip -n "$(ns nat)" link add lan type veth peer name eth0 netns "$(ns cli)"
    ip -n "$(ns nat)" link set lan up
    ip netns exec "$(ns nat)" sysctl -qw net.ipv4.ip_forward=1
    if [ "$nat" = open ]; then
        ip -n "$(ns nat)" addr add 198.18.1.1/32 dev lan
        ip -n "$(ns nat)" route add 198.18.1.2/32 dev lan
        ip -n "$(ns cli)" addr add 198.18.1.2/32 dev eth0
        ip -n "$(ns cli)" link set eth0 up
        ip -n "$(ns cli)" route add 198.18.1.1/32 dev eth0
        ip -n "$(ns cli)" route add default via 198.18.1.1
        ip netns exec "$(ns nat)" sysctl -qw net.ipv4.conf.wan.proxy_arp=1
        ip netns exec "$(ns nat)" sysctl -qw net.ipv4.neigh.wan.proxy_delay=0
    else
        ip -n "$(ns nat)" addr add 10.0.1.1/24 dev lan
        ip -n "$(ns cli)" addr add 10.0.1.2/24 dev eth0
        ip -n "$(ns cli)" link set eth0 up
        ip -n "$(ns cli)" route add default via 10.0.1.1
    fi
    nat_rules
    trap - ERR
    echo "natlab: up ($nat) with prefix $prefix"
}

case "$cmd" in
    types) echo "$TYPES" ;;
    up) [ -n "$prefix" ] || die "--prefix is required"; up ;;
    down) [ -n "$prefix" ] || die "--prefix is required"; down ;;
    exec)
        [ -n "$prefix" ] && [ -n "$node" ] && [ $# -gt 0 ] || die "usage: natlab.sh exec --prefix P NODE -- COMMAND..."
        exec ip netns exec "$(ns "$node")" "$@" ;;
    *) die "unknown command '$cmd'" ;;
esac
