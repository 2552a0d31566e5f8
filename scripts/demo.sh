#!/usr/bin/env bash
# The plantgw demo: a simulated tank farm (plantsim), the gateway (gatewayd)
# with config/examples/demo.yaml, and a local platform (platformsim), all on
# this machine. Ctrl-C stops everything; DEMO_SECONDS=N stops after N seconds.
#
# Environment: DEMO_MQTT_PORT (default 1883), DEMO_MODBUS_PORT (15020),
# DEMO_WEB_PORT (8080, the gateway's local page and API),
# DEMO_DIR (.demo), DEMO_SCENARIO (normal,leak,overfill), DEMO_SPEED (1),
# PLANTGW_LANG (zh-CN or en).
set -uo pipefail
cd "$(dirname "$0")/.."

export DEMO_DIR="${DEMO_DIR:-.demo}"
export DEMO_MQTT_PORT="${DEMO_MQTT_PORT:-1883}"
export DEMO_MODBUS_PORT="${DEMO_MODBUS_PORT:-15020}"
export DEMO_WEB_PORT="${DEMO_WEB_PORT:-8080}"
export PLANTGW_LANG="${PLANTGW_LANG:-zh-CN}"
scenario="${DEMO_SCENARIO:-normal,leak,overfill}"
speed="${DEMO_SPEED:-1}"
bin="${DEMO_BIN:-bin}"

zh() { [ "$PLANTGW_LANG" = "en" ] && echo "$2" || echo "$1"; }

for b in plantsim platformsim gatewayd; do
	if [ ! -x "$bin/$b" ]; then
		echo "$(zh "缺少 $bin/$b: 请先运行 make build" "missing $bin/$b: run make build first")" >&2
		exit 1
	fi
done

# port_in_use reports whether something already listens on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A taken port would send the demo's data to another program.
if port_in_use "$DEMO_MQTT_PORT"; then
	echo "$(zh "MQTT 端口 $DEMO_MQTT_PORT 已被占用 (可能有其他 MQTT broker 在运行)。请换一个端口, 例如: DEMO_MQTT_PORT=18830 make demo" \
		"MQTT port $DEMO_MQTT_PORT is already in use (another MQTT broker may be running). Pick another port, for example: DEMO_MQTT_PORT=18830 make demo")" >&2
	exit 1
fi
if port_in_use "$DEMO_MODBUS_PORT"; then
	echo "$(zh "Modbus TCP 端口 $DEMO_MODBUS_PORT 已被占用。请换一个端口, 例如: DEMO_MODBUS_PORT=15030 make demo" \
		"Modbus TCP port $DEMO_MODBUS_PORT is already in use. Pick another port, for example: DEMO_MODBUS_PORT=15030 make demo")" >&2
	exit 1
fi

if port_in_use "$DEMO_WEB_PORT"; then
	echo "$(zh "本地页面端口 $DEMO_WEB_PORT 已被占用。请换一个端口, 例如: DEMO_WEB_PORT=18080 make demo" \
		"Local page port $DEMO_WEB_PORT is already in use. Pick another port, for example: DEMO_WEB_PORT=18080 make demo")" >&2
	exit 1
fi

# A fresh buffer each run: the platform stand-in counts seq from 1.
rm -rf "$DEMO_DIR"
mkdir -p "$DEMO_DIR"

# Ctrl-C in a terminal signals the whole process group. The three programs
# run in sessions of their own (setsid keeps the PID) and the output
# filters ignore SIGINT, so only this script receives it and stops the
# programs in order: gateway, plant, platform last with its summary.
stopping=0
stop_all() {
	[ "$stopping" = 1 ] && return
	stopping=1
	echo
	echo "$(zh "[demo] 正在停止..." "[demo] stopping...")"
	# The gateway first, so its last records reach the platform.
	[ -n "${gw_pid:-}" ] && kill -TERM "$gw_pid" 2>/dev/null && wait "$gw_pid" 2>/dev/null
	[ -n "${plant_pid:-}" ] && kill -TERM "$plant_pid" 2>/dev/null && wait "$plant_pid" 2>/dev/null
	# platformsim prints the final one-line summary as it exits.
	[ -n "${platform_pid:-}" ] && kill -TERM "$platform_pid" 2>/dev/null && wait "$platform_pid" 2>/dev/null
	sleep 0.2
}
trap 'stop_all; exit 0' INT TERM

setsid "$bin/platformsim" --port "$DEMO_MQTT_PORT" --lang "$PLANTGW_LANG" --summary-every 5s \
	--report "$DEMO_DIR/platform-report.json" 2>&1 &
platform_pid=$!
for _ in $(seq 50); do port_in_use "$DEMO_MQTT_PORT" && break; sleep 0.1; done
if ! kill -0 "$platform_pid" 2>/dev/null || ! port_in_use "$DEMO_MQTT_PORT"; then
	echo "$(zh "platformsim 未能在端口 $DEMO_MQTT_PORT 上启动; 请用 DEMO_MQTT_PORT=其他端口 重试" \
		"platformsim did not start on port $DEMO_MQTT_PORT; retry with DEMO_MQTT_PORT=another port")" >&2
	stop_all
	exit 1
fi

setsid "$bin/plantsim" --tcp "127.0.0.1:$DEMO_MODBUS_PORT" --rtu pty --rtu-link "$DEMO_DIR/ttyRTU" \
	--scenario "$scenario" --speed "$speed" --print-every 5s --lang "$PLANTGW_LANG" \
	--state-file "$DEMO_DIR/plant-state.json" 2>"$DEMO_DIR/plantsim.log" \
	> >(trap '' INT; grep --line-buffered -v '^[A-Z_]*=' | sed -u 's/^/[plantsim] /') &
plant_pid=$!
for _ in $(seq 50); do [ -e "$DEMO_DIR/ttyRTU" ] && break; sleep 0.1; done

# The gateway's operator console (alarms, trips, output changes) on
# screen; its full log, in English, goes to $DEMO_DIR/gatewayd.log.
setsid "$bin/gatewayd" --config config/examples/demo.yaml --lang "$PLANTGW_LANG" --console \
	2>"$DEMO_DIR/gatewayd.log" > >(trap '' INT; sed -u 's/^/[gatewayd] /') &
gw_pid=$!

# The first start writes the one-time setup token of the local page.
for _ in $(seq 50); do [ -s "$DEMO_DIR/web/setup-token" ] && break; sleep 0.1; done
if [ -s "$DEMO_DIR/web/setup-token" ]; then
	token=$(cat "$DEMO_DIR/web/setup-token")
	echo "$(zh "[demo] 本地页面: http://127.0.0.1:$DEMO_WEB_PORT/  安装令牌: $token" \
		"[demo] local page: http://127.0.0.1:$DEMO_WEB_PORT/  setup token: $token")"
	echo "$(zh "[demo] 或者: $bin/gwctl setup --gateway 127.0.0.1:$DEMO_WEB_PORT --token $token --user 账户名" \
		"[demo] or: $bin/gwctl setup --gateway 127.0.0.1:$DEMO_WEB_PORT --token $token --user NAME")"
fi

if [ -n "${DEMO_SECONDS:-}" ]; then
	sleep "$DEMO_SECONDS" &
	wait $! 2>/dev/null
	stop_all
	exit 0
fi
wait "$gw_pid"
echo "$(zh "[demo] gatewayd 已退出, 日志见 $DEMO_DIR/gatewayd.log" "[demo] gatewayd exited; see $DEMO_DIR/gatewayd.log")"
stop_all
