#!/usr/bin/env bash
# A UPnP lab in network namespaces: a NAT router running the real miniupnpd (nftables build) as
# its Internet Gateway Device, a client on its LAN, a STUN server and a peer on the lab's internet.
# Needs root, iproute2, nftables, miniupnpd-nftables and coturn (turnserver, used as a STUN server).
#
#   upnplab.sh up   --prefix P [--nat symmetric-random|port-restricted] [--no-upnp | --natpmp-only]
#                   [--site-b symmetric-random|port-restricted]
#   upnplab.sh down --prefix P
#   upnplab.sh exec --prefix P NODE -- COMMAND...
#
# Topology (every name starts with the prefix; `down` finds everything by it):
#
#   P-stun  198.18.0.21, 198.18.0.31  turnserver --stun-only on 3478/3479 with RFC 5780 (miniupnpd
#           learns its external address from it and checks that its own WAN is not filtered)
#   P-peer  198.18.0.41   a host on the internet that sends unsolicited packets
#      |
#   P-inet  bridge "inet" on 198.18.0.0/15 (the internet)
#      |
#   P-rtr   wan 198.18.1.1/15  --  bridge "lan" 10.0.1.1/24; NAT per --nat; miniupnpd on "lan"
#      |
#   P-cli   10.0.1.2/24, default route via 10.0.1.1
#
# --no-upnp: no miniupnpd at all; --natpmp-only: miniupnpd speaks only NAT-PMP (enable_upnp=no, no SSDP).
#
# With --site-b TYPE, a second site without UPnP on the same internet (for calls between the sites):
#
#   P-rtrb  wan 198.18.2.1/15  --  bridge "lan" 10.0.2.1/24; NAT per TYPE, no miniupnpd
#      |
#   P-clib  10.0.2.2/24, default route via 10.0.2.1
#
# Site b's router drops all unsolicited inbound traffic (counter `unsolicited` as on site a).
#
# The router NATs only what comes from the LAN (its own traffic, e.g. miniupnpd's STUN check, keeps
# its ports). The router drops unsolicited inbound traffic in its filter chains; only what miniupnpd maps (its
# DNAT rules in `table inet miniupnpd`) is forwarded. miniupnpd only adds rules to chains that exist,
# so this script creates that table with base chains jumping to the chains named in its config.
# miniupnpd refuses mappings while its WAN address is "reserved" (198.18.0.0/15 is, to it) unless it
# learns the address by STUN (ext_perform_stun), so the router's input chain lets STUN answers in.
# Unsolicited packets the router drops are counted: `nft list counter inet filter unsolicited`.
# State (configs, pid files, logs) goes to /run/upnplab-P.
set -Eeuo pipefail

die() { echo "upnplab: $*" >&2; exit 2; }

prefix=""; nat="symmetric-random"; upnp=1; siteb=""; cmd="${1:-}"
[ -n "$cmd" ] || die "usage: upnplab.sh up|down|exec ..."
shift
node=""
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$2"; shift 2 ;;
        --nat) nat="$2"; shift 2 ;;
        --no-upnp) upnp=0; shift ;;
        --natpmp-only) upnp=natpmp; shift ;;
        --site-b) siteb="$2"; shift 2 ;;
        --) shift; break ;;
        *) if [ "$cmd" = exec ] && [ -z "$node" ]; then node="$1"; shift; else die "unknown argument: $1"; fi ;;
    esac
done
[ -n "$prefix" ] || die "--prefix is required"

ns() { echo "${prefix}-$1"; }
state="/run/upnplab-${prefix}"
NODES="cli rtr clib rtrb stun peer inet"

stop_pid() {
    local file="$1" pid
    [ -f "$file" ] || return 0
    pid="$(cat "$file" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
}

down() {
    stop_pid "$state/miniupnpd.pid"
    stop_pid "$state/turnserver.pid"
    for n in $NODES; do
        ip netns del "$(ns $n)" 2>/dev/null || true
    done
}

masquerade_for() {
    case "$1" in
        symmetric-random) echo "masquerade fully-random" ;;
        port-restricted) echo "masquerade" ;;
        *) die "unknown NAT type '$1' (symmetric-random or port-restricted)" ;;
    esac
}

site() { # router-node client-node N: a router on 198.18.N.1 (wan) and 10.0.N.1 (lan), its client on 10.0.N.2
    local r="$1" c="$2" n="$3"
    ip -n "$(ns inet)" link add "$r" type veth peer name wan netns "$(ns "$r")"
    ip -n "$(ns inet)" link set "$r" master inet up
    ip -n "$(ns "$r")" addr add "198.18.$n.1/15" dev wan
    ip -n "$(ns "$r")" link set wan up
    ip -n "$(ns "$r")" link add lan type bridge
    ip -n "$(ns "$r")" addr add "10.0.$n.1/24" dev lan
    ip -n "$(ns "$r")" link set lan up
    ip -n "$(ns "$r")" link add "$c" type veth peer name eth0 netns "$(ns "$c")"
    ip -n "$(ns "$r")" link set "$c" master lan up
    ip netns exec "$(ns "$r")" sysctl -qw net.ipv4.ip_forward=1
    ip -n "$(ns "$c")" addr add "10.0.$n.2/24" dev eth0
    ip -n "$(ns "$c")" link set eth0 up
    ip -n "$(ns "$c")" route add default via "10.0.$n.1"
}

nat_rules() { # router-node N nat-type input-rule forward-rule
    # a stateful filter (what comes in from wan unasked is dropped and counted, plus the two given rules) and
    # the masquerade of 10.0.N.0/24 for the NAT type
    local masq
    masq="$(masquerade_for "$3")"
    ip netns exec "$(ns "$1")" nft -f - <<NFT
table inet filter {
    counter unsolicited {
    }
    chain input { type filter hook input priority filter; policy drop;
        iifname "lo" accept
        ct state established,related accept
        iifname "lan" accept
        $4
        iifname "wan" counter name "unsolicited" drop
    }
    chain forward { type filter hook forward priority filter; policy drop;
        ct state established,related accept
        iifname "lan" accept
        $5
    }
}
table ip nat {
    chain post { type nat hook postrouting priority srcnat; ip saddr 10.0.$2.0/24 oifname "wan" $masq
    }
}
NFT
}

miniupnpd_chains() { # the table and chains miniupnpd (nftables build) puts its rules in, on site a's router
    ip netns exec "$(ns rtr)" nft -f - <<NFT
table inet miniupnpd {
    chain miniupnpd {
    }
    chain prerouting_miniupnpd {
    }
    chain postrouting_miniupnpd {
    }
    chain forward { type filter hook forward priority filter - 1; policy accept;
        jump miniupnpd
    }
    chain prerouting { type nat hook prerouting priority dstnat; policy accept;
        jump prerouting_miniupnpd
    }
    chain postrouting { type nat hook postrouting priority srcnat - 1; policy accept;
        jump postrouting_miniupnpd
    }
}
NFT
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
    local limit="$1" what="$2" i
    shift 2
    for ((i = 0; i < limit * 5; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    die "$what did not come up within ${limit} s (logs in $state)"
}

start_stun() {
    ip netns exec "$(ns stun)" turnserver --stun-only --no-cli --no-tls --no-dtls -n \
        --listening-ip 198.18.0.21 --listening-ip 198.18.0.31 --listening-port 3478 --alt-listening-port 3479 \
        --pidfile "$state/turnserver.pid.own" --userdb "$state/turndb" \
        --log-file "$state/turnserver.log" --simple-log >"$state/turnserver.out" 2>&1 &
    echo $! >"$state/turnserver.pid"
    wait_for 10 "turnserver" sh -c "ip netns exec $(ns stun) ss -Hlun | grep -q '198.18.0.21:3478'"
}

start_miniupnpd() {
    cat >"$state/miniupnpd.conf" <<CONF
ext_ifname=wan
listening_ip=lan
http_port=0
enable_natpmp=yes
enable_upnp=$([ "$upnp" = natpmp ] && echo no || echo yes)
secure_mode=yes
system_uptime=yes
notify_interval=30
clean_ruleset_interval=600
uuid=3b0a1c5e-7f0e-4e57-9d1a-5c0de0000001
friendly_name=sippunch lab IGD
ext_perform_stun=yes
ext_stun_host=198.18.0.21
ext_stun_port=3478
upnp_table_name=miniupnpd
upnp_nat_table_name=miniupnpd
upnp_forward_chain=miniupnpd
upnp_nat_chain=prerouting_miniupnpd
upnp_nat_postrouting_chain=postrouting_miniupnpd
allow 1024-65535 10.0.1.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
CONF
    ip netns exec "$(ns rtr)" miniupnpd -f "$state/miniupnpd.conf" -d -P "$state/miniupnpd.pid.own" \
        >"$state/miniupnpd.log" 2>&1 &
    echo $! >"$state/miniupnpd.pid"
    if [ "$upnp" = natpmp ]; then
        wait_for 15 "miniupnpd (NAT-PMP on the LAN)" sh -c "ip netns exec $(ns rtr) ss -Hlun | grep -q ':5351'"
    else
        wait_for 15 "miniupnpd (SSDP on the LAN)" sh -c "ip netns exec $(ns rtr) ss -Hlun | grep -q ':1900'"
    fi
    # its STUN check decides whether port forwarding is allowed; wait until it has run
    wait_for 15 "miniupnpd's STUN check" grep -qE "Port forwarding is now (enabled|disabled)" "$state/miniupnpd.log"
    if grep -qi "Port forwarding is now disabled" "$state/miniupnpd.log"; then
        die "miniupnpd disabled port forwarding (see $state/miniupnpd.log)"
    fi
}

host() { # host NAME IP
    local n="$1" ip="$2"
    ip -n "$(ns inet)" link add "$n" type veth peer name eth0 netns "$(ns "$n")"
    ip -n "$(ns inet)" link set "$n" master inet up
    ip -n "$(ns "$n")" addr add "$ip/15" dev eth0
    ip -n "$(ns "$n")" link set eth0 up
}

up() {
    down
    trap 'echo "upnplab: setup failed, tearing down" >&2; down' ERR
    mkdir -p "$state"
    masquerade_for "$nat" >/dev/null # an unknown NAT type fails here, before anything is built
    [ -z "$siteb" ] || masquerade_for "$siteb" >/dev/null
    for n in $NODES; do
        if [ -z "$siteb" ] && { [ "$n" = clib ] || [ "$n" = rtrb ]; }; then continue; fi
        ip netns add "$(ns $n)"
        ip -n "$(ns $n)" link set lo up
        ip netns exec "$(ns $n)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    done
    ip -n "$(ns inet)" link add inet type bridge
    ip -n "$(ns inet)" link set inet up
    host stun 198.18.0.21
    ip -n "$(ns stun)" addr add 198.18.0.31/15 dev eth0
    host peer 198.18.0.41
    site rtr cli 1
    nat_rules rtr 1 "$nat" \
        'iifname "wan" ip saddr { 198.18.0.21, 198.18.0.31 } udp sport { 3478, 3479 } accept comment "STUN answers for miniupnpd"' \
        'ct status dnat accept comment "what miniupnpd maps"'
    miniupnpd_chains
    if [ -n "$siteb" ]; then
        site rtrb clib 2
        nat_rules rtrb 2 "$siteb" "" 'iifname "wan" counter name "unsolicited" drop'
    fi
    start_stun
    if [ "$upnp" != 0 ]; then
        start_miniupnpd
    fi
    trap - ERR
    echo "upnplab: up ($nat, upnp=$upnp${siteb:+, site b $siteb}) with prefix $prefix; state in $state"
}

case "$cmd" in
    up) up ;;
    down) down; rm -rf "$state"; echo "upnplab: down ($prefix)" ;;
    exec)
        [ -n "$node" ] && [ $# -gt 0 ] || die "usage: upnplab.sh exec --prefix P NODE -- COMMAND..."
        exec ip netns exec "$(ns "$node")" "$@" ;;
    *) die "unknown command '$cmd'" ;;
esac
