#!/usr/bin/env bash
# Captures the SDP fixtures of this directory again from baresip and sipp on loopback.
# Usage: capture.sh [OUT_DIR]   (default: a new temporary directory; copy files over by hand)
# Needs: baresip, sipp, tshark, python3; root (or capture rights) for tshark on lo.
# Uses only UDP ports 25060-25099 on 127.0.0.1.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$(mktemp -d)}
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
for tool in baresip sipp tshark python3; do
  command -v "$tool" >/dev/null || { echo "capture.sh: $tool not installed" >&2; exit 2; }
done

python3 - "$WORK/tone.wav" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], 'wb'); w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b''.join(struct.pack('<h', int(8000 * math.sin(2 * math.pi * 440 * i / 8000))) for i in range(8000 * 20)))
w.close()
PY

baresip_dir() { # name sip-port rtp-range ctrl-port account
  mkdir -p "$WORK/$1"
  cat > "$WORK/$1/config" <<CFG
poll_method		epoll
sip_listen		127.0.0.1:$2
sip_transports		udp
net_interface		127.0.0.1
audio_player		alsa,null
audio_source		aufile,$WORK/tone.wav
audio_alert		alsa,null
rtp_ports		$3
module_path		/usr/lib/baresip/modules
module			g711.so
module			alsa.so
module			aufile.so
module			ctrl_tcp.so
module_app		account.so
module_app		menu.so
ctrl_tcp_listen		127.0.0.1:$4
CFG
  echo "$5" > "$WORK/$1/accounts"
}
baresip_dir caller 25060 25080-25084 25096 '<sip:alice@127.0.0.1>;regint=0'
baresip_dir callee 25062 25085-25089 25097 '<sip:bob@127.0.0.1>;regint=0;answermode=auto'

start_capture() { # pcap
  tshark -q -i lo -f 'udp portrange 25060-25099' -w "$1" >"$WORK/tshark.log" 2>&1 &
  CAPTURE=$!
  PIDS+=("$CAPTURE")
  for _ in $(seq 50); do grep -q "Capturing on" "$WORK/tshark.log" 2>/dev/null && return; sleep 0.1; done
}
stop_capture() { sleep 1; kill "$CAPTURE"; wait "$CAPTURE" 2>/dev/null || true; }

# 1. sipp's built-in UAC calls the auto-answering baresip.
start_capture "$WORK/a.pcap"
baresip -f "$WORK/callee" >"$WORK/callee.log" 2>&1 & B=$!; PIDS+=("$B"); sleep 2
timeout 15 sipp -sn uac -i 127.0.0.1 -p 25070 -mp 25090 -m 1 -d 1000 -s bob 127.0.0.1:25062 -nostdin >/dev/null 2>&1
stop_capture

# 2. sipp sends an offer with the extension to the same baresip.
start_capture "$WORK/b.pcap"
timeout 15 sipp -sf "$HERE/sipp-uac-punch.xml" -i 127.0.0.1 -p 25070 -mp 25090 -m 1 127.0.0.1:25062 -nostdin >/dev/null 2>&1
stop_capture
kill "$B"; wait "$B" 2>/dev/null || true

# 3. baresip calls sipp's built-in UAS.
start_capture "$WORK/c.pcap"
timeout 15 sipp -sn uas -i 127.0.0.1 -p 25074 -mp 25092 -m 1 -nostdin >/dev/null 2>&1 & S=$!; PIDS+=("$S"); sleep 1
timeout 10 baresip -f "$WORK/caller" -e "/dial sip:service@127.0.0.1:25074" >"$WORK/caller.log" 2>&1 || true
wait "$S" 2>/dev/null || true
stop_capture

python3 - "$WORK" "$OUT" <<'PY'
import subprocess, sys
work, out = sys.argv[1], sys.argv[2]
def bodies(pcap):
    rows = subprocess.run(['tshark', '-r', pcap, '-Y', 'sdp', '-T', 'fields', '-e', 'udp.payload'],
                          capture_output=True, text=True, check=True).stdout.split()
    return [bytes.fromhex(r).split(b'\r\n\r\n', 1)[1] for r in rows]
files = {'a.pcap': ['sipp-uac-offer.sdp', 'baresip-answer.sdp'],
         'b.pcap': ['sipp-punch-offer.sdp', 'baresip-answer-to-punch-offer.sdp'],
         'c.pcap': ['baresip-offer.sdp', 'sipp-uas-answer.sdp']}
for pcap, names in files.items():
    got = bodies(f'{work}/{pcap}')
    if len(got) != len(names):
        sys.exit(f'capture.sh: {pcap}: expected {len(names)} SDP bodies, got {len(got)}')
    for name, body in zip(names, got):
        open(f'{out}/{name}', 'wb').write(body)
        print(f'{out}/{name}')
PY
