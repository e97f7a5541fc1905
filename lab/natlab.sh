#!/usr/bin/env bash
# A two-site NAT lab in network namespaces with the kernel's NAT (nftables). Needs root, iproute2,
# nftables and conntrack (the tool, to flush NAT state when a router changes behaviour).
#
#   natlab.sh up   --prefix P --nat-a TYPE [SITE OPTIONS-a] [--nat-b TYPE [SITE OPTIONS-b]]
#   natlab.sh up   --prefix P --nat TYPE [--delta D] [--base PORT] ...   (one site: the same as --nat-a ...)
#   natlab.sh nat  --prefix P [--site a|b] --nat TYPE [SITE OPTIONS]     (change a running site's routers)
#   natlab.sh neighbour --prefix P [--site a|b] [--rate N] [--duration S | --count N] [--to IP]
#   natlab.sh exec --prefix P NODE -- COMMAND...
#   natlab.sh down --prefix P                                            (idempotent, also after a failed run)
#   natlab.sh types
#
# Site options. In `up`, suffix them with the site (--delta-a 2, --outer-b symmetric-random); without a
# suffix they are site a's. In `nat` they apply to --site (default a); options not given take their defaults.
#   --nat TYPE                   the site router's behaviour (below)
#   --delta D  --base PORT       sequential types: ports base, base+D, base+2D, ... (default 1, 40000)
#   --cycle N                    sequential types: ports in one cycle before the counter wraps (default 1024;
#                                a wrapped port still in use toward the same remote drops that packet)
#   --loss N                     the site router drops N in 1000 of the packets it forwards, both ways
#                                (nft numgen random; outbound packets are dropped before NAT; in a double
#                                NAT the inner router drops; default 0). The rule counts the packets it saw
#                                and those it dropped: `nft list chain inet lab forward` in x-nat shows
#                                "counter packets SEEN ... numgen random mod 1000 < N counter packets DROPPED"
#                                (both from the last `up` or `nat` of the site)
#   --egress-loss N              the site router drops N in 1000 of the IPv4 packets leaving each of its two
#                                interfaces (nft netdev egress hooks on wan and lan, where a netem qdisc would
#                                sit; this kernel has no netem): outbound packets are dropped after NAT, so a
#                                lost first packet still made its mapping. ARP is spared: `nat` flushes the
#                                LAN's neighbour tables, and a lost ARP answer would stall a client for a
#                                second. Counted like --loss, in `nft list table netdev labloss` (chains wan
#                                and lan); default 0
#   --udp-timeout S              conntrack UDP timeout in the site's NAT routers (kernel default 30)
#   --udp-stream-timeout S       conntrack UDP timeout once a flow has seen replies (kernel default 120);
#                                learned cone mappings and the second-priority "seen" set live as long
#   --outer TYPE                 double NAT (up only; nat may change the type of an existing outer router):
#   --outer-delta D --outer-base PORT --outer-cycle N    the outer router and its sequential settings
#                                (default 1, 50000, 1024); the outer type cannot be open, nor the inner one
#
# Topology (every namespace is P-NODE, so labs never collide and `down` finds everything; NODE is what
# `exec` takes; for the one-site form the old names cli, nat, nb and out mean a-cli, a-nat, a-nb, a-out):
#
#   inet   bridge "inet" 198.18.0.1/15, the internet; silently drops UDP sent to 198.18.0.1 (the sink the
#          neighbours aim at)
#   disc   198.18.0.21, 198.18.0.31   discovery host, two public IPs (RFC 5780)
#   disc2  198.18.0.22, 198.18.0.32   a second discovery host
#   sip    198.18.0.40                the SIP proxy's host
#   site a (x=1) and site b (x=2):
#     x-nat  wan 198.18.x.1/15 -- bridge "lan" 10.0.x.1/24      the site's NAT router
#     x-cli  10.0.x.2/24, default route via 10.0.x.1            the client
#     x-nb   10.0.x.3/24                                        the neighbour (competing flows)
#   with --outer (double NAT):
#     x-out  wan 198.18.x.1/15 -- lan 100.64.x.1/24             the outer router
#     x-nat  wan 100.64.x.2/24 (default via 100.64.x.1) -- bridge "lan" 10.0.x.1/24
#   with --nat open the router only routes: the client is 198.18.x.2 and the neighbour 198.18.x.3
#   (/32 each, proxy ARP on the router's wan).
#
# NAT types (RFC 4787 mapping / filtering):
#   open                        no NAT, no filtering
#   full-cone                   endpoint-independent mapping (masquerade keeps the port), endpoint-
#                               independent filtering: any host may send to a mapped port
#   address-restricted          endpoint-independent mapping, address-dependent filtering: hosts the
#                               mapping has sent to may send from any port
#   port-restricted             masquerade: endpoint-independent mapping, address-and-port-dependent filtering
#   symmetric-sequential        every new UDP 5-tuple from any host behind the router takes the next port:
#                               base, base+D, base+2D, ... (a named map driven by numgen inc; the direct
#                               "numgen ... offset" form byte-swaps ports)
#   symmetric-second-priority   the first flow of an internal ip:port keeps its port (masquerade), its later
#                               flows take the sequential ports
#   symmetric-random            masquerade fully-random: a random port per new 5-tuple
# Cones learn "external port -> internal ip:port" (and, address-restricted, the peers each external
# port has sent to) in dynamic nft sets after SNAT (postrouting, srcnat + 10) and DNAT new inbound
# flows through them (prerouting); the forward chain accepts ct status dnat. Other unsolicited inbound
# traffic is dropped in the router's filter chains, never in nat chains, so an early packet cannot
# leave a conntrack entry that steals a port.
#
# Neighbour: opens new UDP flows (a new socket each through bash's /dev/udp, one datagram, random
# destination port) from x-nb to --to (default the sink 198.18.0.1): --rate N per second (default 100)
# for --duration S seconds (default: until stopped), or --count N as fast as it can, then exits; it
# reports the flows sent on standard error. Behind a sequential NAT each flow takes one port.
#
# Examples:
#   natlab.sh up --prefix lv1 --nat-a symmetric-sequential --delta-a 2 --nat-b port-restricted
#   natlab.sh exec --prefix lv1 a-cli -- bin/sip-agent nat-probe --server 198.18.0.21:3478 --server 198.18.0.31:3479
#   natlab.sh nat --prefix lv1 --site b --nat symmetric-random --loss 50
#   natlab.sh neighbour --prefix lv1 --site a --rate 100 --duration 10
#   natlab.sh up --prefix lv2 --nat-a port-restricted --outer-a symmetric-sequential --outer-delta-a 3
#   natlab.sh down --prefix lv1
set -Eeuo pipefail

die() { echo "natlab: $*" >&2; exit 2; }

TYPES="open full-cone address-restricted port-restricted symmetric-sequential symmetric-second-priority symmetric-random"
KEYS="nat delta base cycle loss egress-loss udp-timeout udp-stream-timeout outer outer-delta outer-base outer-cycle"
SINK=198.18.0.1

declare -A O=()          # site options: O[a.delta], O[b.nat], ...; O[_.key] for those without a suffix
prefix=""; site=""; node=""; rate=100; count=""; duration=""; to="$SINK"
cmd="${1:-}"
[ -n "$cmd" ] || die "usage: natlab.sh up|nat|neighbour|exec|down|types ... (see the header of $0)"
shift
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="${2:?--prefix needs a value}"; shift 2 ;;
        --site) site="${2:?--site needs a value}"; shift 2 ;;
        --rate) rate="${2:?}"; shift 2 ;;
        --count) count="${2:?}"; shift 2 ;;
        --duration) duration="${2:?}"; shift 2 ;;
        --to) to="${2:?}"; shift 2 ;;
        --) shift; break ;;
        --*)
            opt="${1#--}"; key="$opt"; s="_"
            case "$opt" in *-a) key="${opt%-a}"; s=a ;; *-b) key="${opt%-b}"; s=b ;; esac
            [[ " $KEYS " == *" $key "* ]] || die "unknown option: $1"
            [ $# -ge 2 ] || die "$1 needs a value"
            O[$s.$key]="$2"; shift 2 ;;
        *) if [ "$cmd" = exec ] && [ -z "$node" ]; then node="$1"; shift; else die "unknown argument: $1"; fi ;;
    esac
done

ns() { echo "${prefix}-$1"; }
nsx() { ip netns exec "$(ns "$1")" "${@:2}"; }
num() { [[ "$2" =~ ^[0-9]+$ ]] || die "$1 must be a number, not '$2'"; }
idx() { [ "$1" = a ] && echo 1 || echo 2; }

# The options of one site, with defaults, checked: sets S_* variables.
site_options() {
    local s="$1"
    S_nat="${O[$s.nat]:-}"; S_delta="${O[$s.delta]:-1}"; S_base="${O[$s.base]:-40000}"
    S_cycle="${O[$s.cycle]:-1024}"; S_loss="${O[$s.loss]:-0}"; S_eloss="${O[$s.egress-loss]:-0}"
    S_timeout="${O[$s.udp-timeout]:-}"; S_stream="${O[$s.udp-stream-timeout]:-}"
    S_outer="${O[$s.outer]:-}"; S_odelta="${O[$s.outer-delta]:-1}"; S_obase="${O[$s.outer-base]:-50000}"
    S_ocycle="${O[$s.outer-cycle]:-1024}"
    check_type "$S_nat"
    num delta "$S_delta"; num base "$S_base"; num cycle "$S_cycle"; num loss "$S_loss"; num egress-loss "$S_eloss"
    num outer-delta "$S_odelta"; num outer-base "$S_obase"; num outer-cycle "$S_ocycle"
    [ -z "$S_timeout" ] || num udp-timeout "$S_timeout"
    [ -z "$S_stream" ] || num udp-stream-timeout "$S_stream"
    [ "$S_loss" -le 1000 ] || die "--loss is in 1000ths: 0..1000"
    [ "$S_eloss" -le 1000 ] || die "--egress-loss is in 1000ths: 0..1000"
    check_ports "$S_base" "$S_delta" "$S_cycle"
    if [ -n "$S_outer" ]; then
        check_type "$S_outer"
        [ "$S_outer" != open ] || die "an open outer router is no NAT: leave --outer out"
        [ "$S_nat" != open ] || die "an open router behind an outer NAT is no NAT: use the outer type alone"
        check_ports "$S_obase" "$S_odelta" "$S_ocycle"
    fi
}
check_type() {
    [ -n "$1" ] || die "a site needs --nat TYPE (one of: $TYPES)"
    [[ " $TYPES " == *" $1 "* ]] || die "unknown NAT type '$1' (one of: $TYPES)"
}
check_ports() {
    [ "$2" -ge 1 ] && [ "$3" -ge 2 ] && [ "$1" -ge 1024 ] || die "sequential ports need base >= 1024, delta >= 1, cycle >= 2"
    [ $(($1 + ($3 - 1) * $2)) -le 65535 ] || die "base $1 + (cycle $3 - 1) * delta $2 passes port 65535"
}

kill_in() {  # stops the processes still running in namespace $1 (started in the lab, found by id)
    local pids
    pids="$(ip netns pids "$1" 2>/dev/null || true)"
    [ -n "$pids" ] || return 0
    kill $pids 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        pids="$(ip netns pids "$1" 2>/dev/null || true)"
        [ -n "$pids" ] || return 0
        read -rt 0.1 <> <(:) || true
    done
    kill -9 $pids 2>/dev/null || true
}

down() {
    local n l
    for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${prefix}-" || true); do
        kill_in "$n"
        ip netns del "$n" 2>/dev/null || true
    done
    # links a crashed run may have left in this namespace (the lab creates none here, but be sure)
    for l in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^${prefix}-" || true); do
        ip link del "$l" 2>/dev/null || true
    done
}

mk_ns() {
    local n
    for n in "$@"; do
        ip netns add "$(ns "$n")"
        ip -n "$(ns "$n")" link set lo up
        nsx "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    done
}
veth() {  # veth NODE1 IF1 NODE2 IF2
    ip -n "$(ns "$1")" link add name "$2" type veth peer name "$4" netns "$(ns "$3")"
    ip -n "$(ns "$1")" link set "$2" up
    ip -n "$(ns "$3")" link set "$4" up
}
host() {  # host NODE IP... : a host on the internet bridge
    local n="$1" a; shift
    mk_ns "$n"
    veth inet "$n" "$n" eth0
    ip -n "$(ns inet)" link set "$n" master inet
    for a in "$@"; do ip -n "$(ns "$n")" addr add "$a/15" dev eth0; done
}

seq_map() {  # seq_map BASE DELTA CYCLE: the named map of sequential ports
    local elements="" i
    for ((i = 0; i < $3; i++)); do elements+="${elements:+, }$i : $(($1 + i * $2))"; done
    echo "map seqports { typeof numgen inc mod $3 : udp sport; elements = { $elements } }"
}

# loss_rule N: the rule that counts packets and drops N in 1000 of them (nft takes "< 1000" as out of range)
loss_rule() {
    if [ "$1" -lt 1000 ]; then echo "counter numgen random mod 1000 < $1 counter drop;"
    else echo "counter numgen random mod 1000 <= 999 counter drop;"; fi
}

# ruleset TYPE DELTA BASE CYCLE LOSS WAN-IP LIFETIME: the nftables rules of one router
ruleset() {
    local type="$1" delta="$2" base="$3" cycle="$4" loss="$5" wan="$6" life="$7"
    local lossrule="" dnat="" nat=""
    [ "$loss" -eq 0 ] || lossrule="$(loss_rule "$loss")"
    local seq="oifname \"wan\" meta l4proto udp snat ip to $wan : numgen inc mod $cycle map @seqports"
    local learn="chain learn { type filter hook postrouting priority srcnat + 10;"
    case "$type" in
        open) ;;
        port-restricted) nat='chain post { type nat hook postrouting priority srcnat; oifname "wan" masquerade; }' ;;
        symmetric-random) nat='chain post { type nat hook postrouting priority srcnat; oifname "wan" masquerade fully-random; }' ;;
        symmetric-sequential)
            nat="$(seq_map "$base" "$delta" "$cycle")
                 chain post { type nat hook postrouting priority srcnat; $seq; oifname \"wan\" masquerade; }" ;;
        symmetric-second-priority)
            nat="$(seq_map "$base" "$delta" "$cycle")
                 set seen { typeof ip saddr . udp sport; flags dynamic,timeout; timeout ${life}s; }
                 chain post { type nat hook postrouting priority srcnat;
                              ip saddr . udp sport @seen $seq; oifname \"wan\" masquerade; }
                 $learn oifname \"wan\" meta l4proto udp update @seen { ct original ip saddr . ct original proto-src }; }" ;;
        full-cone | address-restricted)
            local peers="" match="" learnpeers=""
            if [ "$type" = address-restricted ]; then
                peers="set peers { typeof ip daddr . udp sport; flags dynamic,timeout; timeout ${life}s; }"
                learnpeers="oifname \"wan\" meta l4proto udp update @peers { ip daddr . udp sport };"
                match="ip saddr . udp dport @peers"
            fi
            nat="map cone { type inet_service : ipv4_addr . inet_service; flags dynamic,timeout; timeout ${life}s; }
                 $peers
                 chain post { type nat hook postrouting priority srcnat; oifname \"wan\" masquerade; }
                 $learn oifname \"wan\" meta l4proto udp update @cone { udp sport : ct original ip saddr . ct original proto-src };
                        $learnpeers }
                 chain pre { type nat hook prerouting priority dstnat;
                             iifname \"wan\" meta l4proto udp $match dnat ip to udp dport map @cone; }"
            dnat="ct status dnat accept;" ;;
    esac
    if [ "$type" = open ]; then
        echo "table inet lab { chain forward { type filter hook forward priority filter; policy accept; $lossrule }; }"
    else
        echo "table inet lab {
            chain input { type filter hook input priority filter; policy drop;
                          iifname \"lo\" accept; ct state established,related accept; iifname \"lan\" accept; }
            chain forward { type filter hook forward priority filter; policy drop; $lossrule
                            ct state established,related accept; iifname \"lan\" accept; $dnat }
        }"
        printf 'table ip labnat {\n%s\n}\n' "$nat"
    fi
}

# router NODE TYPE DELTA BASE CYCLE LOSS WAN-IP: (re)loads a router's rules with fresh NAT state
router() {
    local n="$1" life
    nsx "$n" sysctl -qw net.ipv4.ip_forward=1
    nsx "$n" nft flush ruleset
    # the conntrack sysctls exist once the namespace uses conntrack: set them after loading rules
    life="${S_stream:-120}"
    ruleset "${@:2}" "$life" | nsx "$n" nft -f - || die "nft refused the rules of $n ($2)"
    if [ "$2" != open ]; then
        nsx "$n" sysctl -qw net.netfilter.nf_conntrack_udp_timeout="${S_timeout:-30}" \
            net.netfilter.nf_conntrack_udp_timeout_stream="${S_stream:-120}"
    fi
    # mappings of the previous behaviour must not outlive it
    nsx "$n" conntrack -F >/dev/null 2>&1 || true
}

# egress_loss NODE LOSS: drops LOSS in 1000 of the packets leaving the router's wan and lan (after NAT)
egress_loss() {
    [ "$2" -gt 0 ] || return 0
    local chains="" dev
    for dev in wan lan; do
        chains+="chain $dev { type filter hook egress device \"$dev\" priority filter;
                 meta protocol ip $(loss_rule "$2") }
"
    done
    printf 'table netdev labloss {\n%s}\n' "$chains" | nsx "$1" nft -f - || die "nft refused the egress loss of $1"
}

# address_lan SITE OPEN(0|1): the LAN's addresses and routes
address_lan() {
    local s="$1" x r=() pub
    x="$(idx "$s")"; pub="198.18.$x"
    ip -n "$(ns "$s-nat")" addr flush dev lan
    ip -n "$(ns "$s-nat")" route flush dev lan 2>/dev/null || true
    for h in cli nb; do ip -n "$(ns "$s-$h")" addr flush dev eth0; done
    if [ "$2" = 1 ]; then
        ip -n "$(ns "$s-nat")" addr add "$pub.1/32" dev lan
        nsx "$s-nat" sysctl -qw net.ipv4.conf.wan.proxy_arp=1 net.ipv4.neigh.wan.proxy_delay=0
        r=(cli 2 nb 3)
        while [ ${#r[@]} -gt 0 ]; do
            ip -n "$(ns "$s-nat")" route add "$pub.${r[1]}/32" dev lan
            ip -n "$(ns "$s-${r[0]}")" addr add "$pub.${r[1]}/32" dev eth0
            ip -n "$(ns "$s-${r[0]}")" route add "$pub.1/32" dev eth0
            ip -n "$(ns "$s-${r[0]}")" route add default via "$pub.1"
            r=("${r[@]:2}")
        done
    else
        nsx "$s-nat" sysctl -qw net.ipv4.conf.wan.proxy_arp=0
        ip -n "$(ns "$s-nat")" addr add "10.0.$x.1/24" dev lan
        ip -n "$(ns "$s-cli")" addr add "10.0.$x.2/24" dev eth0
        ip -n "$(ns "$s-nb")" addr add "10.0.$x.3/24" dev eth0
        for h in cli nb; do ip -n "$(ns "$s-$h")" route add default via "10.0.$x.1"; done
    fi
}

# configure SITE: loads the site's routers for the options in S_*
configure() {
    local s="$1" x wan
    x="$(idx "$s")"
    if [ -n "$S_outer" ]; then
        ip netns list | grep -qE "^$(ns "$s-out")( |$)" || die "site $s has no outer router: give --outer to up"
        router "$s-out" "$S_outer" "$S_odelta" "$S_obase" "$S_ocycle" 0 "198.18.$x.1"
        wan="100.64.$x.2"
    else
        ! ip netns list | grep -qE "^$(ns "$s-out")( |$)" || die "site $s is a double NAT: give --outer TYPE"
        wan="198.18.$x.1"
    fi
    address_lan "$s" "$([ "$S_nat" = open ] && echo 1 || echo 0)"
    router "$s-nat" "$S_nat" "$S_delta" "$S_base" "$S_cycle" "$S_loss" "$wan"
    egress_loss "$s-nat" "$S_eloss"
}

build_site() {
    local s="$1" x
    x="$(idx "$s")"
    mk_ns "$s-nat" "$s-cli" "$s-nb"
    if [ -n "$S_outer" ]; then
        mk_ns "$s-out"
        veth inet "site-$s" "$s-out" wan
        ip -n "$(ns "$s-out")" addr add "198.18.$x.1/15" dev wan
        veth "$s-out" lan "$s-nat" wan
        ip -n "$(ns "$s-out")" addr add "100.64.$x.1/24" dev lan
        ip -n "$(ns "$s-nat")" addr add "100.64.$x.2/24" dev wan
        ip -n "$(ns "$s-nat")" route add default via "100.64.$x.1"
    else
        veth inet "site-$s" "$s-nat" wan
        ip -n "$(ns "$s-nat")" addr add "198.18.$x.1/15" dev wan
    fi
    ip -n "$(ns inet)" link set "site-$s" master inet
    ip -n "$(ns "$s-nat")" link add lan type bridge
    ip -n "$(ns "$s-nat")" link set lan up
    for h in cli nb; do
        veth "$s-nat" "$h" "$s-$h" eth0
        ip -n "$(ns "$s-nat")" link set "$h" master lan
    done
    configure "$s"
}

up() {
    local sites=a
    if [ -n "${O[_.nat]:-}" ] || [ -n "${O[_.outer]:-}" ]; then
        [ -z "${O[a.nat]:-}" ] || die "give --nat or --nat-a, not both"
    fi
    for k in $KEYS; do [ -z "${O[_.$k]:-}" ] || O[a.$k]="${O[_.$k]}"; done
    [ -z "${O[b.nat]:-}" ] || sites="a b"
    for s in $sites; do site_options "$s"; done    # every check before anything is built
    down
    trap 'exit 130' INT TERM
    trap 'if [ $? -ne 0 ]; then echo "natlab: setup failed, tearing down" >&2; down; fi' EXIT
    mk_ns inet
    ip -n "$(ns inet)" link add inet type bridge
    ip -n "$(ns inet)" link set inet up
    ip -n "$(ns inet)" addr add "$SINK/15" dev inet
    echo "table inet sink { chain input { type filter hook input priority filter; meta l4proto udp drop; }; }" \
        | nsx inet nft -f -
    host disc 198.18.0.21 198.18.0.31
    host disc2 198.18.0.22 198.18.0.32
    host sip 198.18.0.40
    for s in $sites; do
        site_options "$s"
        build_site "$s"
    done
    trap - EXIT INT TERM
    echo "natlab: up with prefix $prefix: $(for s in $sites; do echo -n "site $s ${O[$s.nat]}${O[$s.outer]:+ behind ${O[$s.outer]}}; "; done)"
}

set_nat() {
    local s="${site:-a}"
    [ "$s" = a ] || [ "$s" = b ] || die "--site is a or b"
    for k in $KEYS; do [ -z "${O[_.$k]:-}" ] || O[$s.$k]="${O[_.$k]}"; done
    site_options "$s"
    ip netns list | grep -qE "^$(ns "$s-nat")( |$)" || die "no site $s in lab $prefix: run up first"
    configure "$s"
    echo "natlab: site $s is now $S_nat${S_outer:+ behind $S_outer}"
}

# The neighbour's loop, run inside its namespace: one new socket (a new 5-tuple) per datagram.
NEIGHBOUR_LOOP='
    sent=0; start=$EPOCHREALTIME; exec {pause}<> <(:)
    while :; do
        if [ -n "$COUNT" ]; then [ "$sent" -lt "$COUNT" ] || break
        else
            now=$EPOCHREALTIME
            elapsed_us=$(( (${now%.*} - ${start%.*}) * 1000000 + 10#${now#*.} - 10#${start#*.} ))
            [ -z "$DURATION" ] || [ "$elapsed_us" -lt $((DURATION * 1000000)) ] || break
            due=$(( elapsed_us * RATE / 1000000 + 1 ))
            if [ "$sent" -ge "$due" ]; then read -rt 0.005 -u "$pause" || true; continue; fi
        fi
        port=$(( ((RANDOM << 15) | RANDOM) % 64000 + 1024 ))
        printf n 2>/dev/null >"/dev/udp/$TO/$port" || true
        sent=$((sent + 1))
    done
    echo "natlab: neighbour sent $sent flows" >&2'

neighbour() {
    local s="${site:-a}"
    num rate "$rate"; [ -z "$count" ] || num count "$count"; [ -z "$duration" ] || num duration "$duration"
    [ "$rate" -ge 1 ] || die "--rate must be at least 1"
    ip netns list | grep -qE "^$(ns "$s-nb")( |$)" || die "no site $s in lab $prefix"
    exec ip netns exec "$(ns "$s-nb")" env RATE="$rate" COUNT="$count" DURATION="$duration" TO="$to" \
        bash -c "$NEIGHBOUR_LOOP"
}

node_ns() {  # the namespace of NODE; the one-site names cli, nat, nb, out are site a's
    case "$1" in cli | nat | nb | out) ns "a-$1" ;; *) ns "$1" ;; esac
}

[ "$cmd" = types ] && { echo "$TYPES"; exit 0; }
[ -n "$prefix" ] || die "--prefix is required"
[[ "$prefix" =~ ^[A-Za-z0-9]+$ ]] || die "--prefix is letters and digits only (it starts every namespace name)"
case "$cmd" in
    up) up ;;
    nat) set_nat ;;
    neighbour) neighbour ;;
    down) down ;;
    exec)
        [ -n "$node" ] && [ $# -gt 0 ] || die "usage: natlab.sh exec --prefix P NODE -- COMMAND..."
        exec ip netns exec "$(node_ns "$node")" "$@" ;;
    *) die "unknown command '$cmd'" ;;
esac
