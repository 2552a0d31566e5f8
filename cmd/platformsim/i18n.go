package main

import (
	"fmt"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Languages accepted by --lang.
const (
	langChinese = "zh-CN"
	langEnglish = "en"
)

// localizer formats terminal text. Every key is the English text, so the
// English printer needs no catalog entries and falls back to the key.
type localizer struct {
	printer *message.Printer
}

func newLocalizer(lang string) *localizer {
	tag := language.SimplifiedChinese
	if lang == langEnglish {
		tag = language.English
	}
	return &localizer{printer: message.NewPrinter(tag, message.Catalog(chineseCatalog))}
}

// text formats a catalog key. Pass numbers as strings, because the printer
// groups the digits of numeric arguments.
func (l *localizer) text(key string, args ...any) string {
	return l.printer.Sprintf(key, args...)
}

var chineseCatalog = buildChineseCatalog()

func buildChineseCatalog() catalog.Catalog {
	builder := catalog.NewBuilder(catalog.Fallback(language.English))
	for key, text := range chineseText {
		if err := builder.SetString(language.SimplifiedChinese, key, text); err != nil {
			panic(fmt.Sprintf("zh-CN catalog entry %q: %v", key, err))
		}
	}
	return builder
}

// chineseText maps each English key to its zh-CN text. Field names, seq,
// MQTT, QoS and topic levels stay as they are on the wire.
var chineseText = map[string]string{
	// Summary, event and status lines.
	"online":         "在线",
	"offline":        "离线",
	"status unknown": "状态未知",
	"[platform] %s %s records %s (telemetry %s, events %s) alarms %s gaps %s duplicates %s invalid %s latest seq %s": "[平台] %s %s 记录 %s (遥测 %s, 事件 %s) 报警 %s 缺号 %s 重复 %s 格式错误 %s 最新 seq %s",
	"trips %s":       "联锁跳车 %s",
	"comm losses %s": "通讯中断 %s",
	"historical %s":  "补传 %s",
	"backlog %s":     "网关积压 %s",
	"bulk %s parts (%s of %s objects complete)":                                                 "大文件 %s 段 (完整 %s / %s 个)",
	", bulk %s parts (%s of %s objects complete)":                                               ", 大文件 %s 段 (完整 %s / %s 个)",
	"[platform] %s BULK %s complete: %s parts, %s bytes":                                        "[平台] %s 大文件 %s 已收齐: %s 段, %s 字节",
	"[platform] %s heartbeat: backlog events %s telemetry %s bulk %s, last seq %s, uptime %s s": "[平台] %s 心跳: 积压 事件 %s 遥测 %s 大文件 %s, 最新 seq %s, 运行 %s 秒",
	"[platform] %s heartbeat: backlog events %s telemetry %s, last seq %s, uptime %s s":         "[平台] %s 心跳: 积压 事件 %s 遥测 %s, 最新 seq %s, 运行 %s 秒",
	", devices %s (lost %s)":                                                                    ", 设备 %s 台 (通讯中断 %s 台)",
	", clock synced":                                                                            ", 时钟已同步",
	", clock NOT synced":                                                                        ", 时钟未同步",
	", version %s":                                                                              ", 版本 %s",
	"(at %s)":                                                                                   "(时间 %s)",
	"platform summary: no gateway sent any message":                                             "平台汇总: 没有收到任何网关的消息",
	"platform summary: gateway %s received %s records, %s alarms, %s trips, %s gaps, %s duplicates, %s invalid": "平台汇总: 网关 %s 收到记录 %s 条, 报警 %s 次, 联锁跳车 %s 次, 缺号 %s, 重复 %s, 格式错误 %s",
	"[platform]":                           "[平台]",
	"device %s":                            "设备 %s",
	"output %s":                            "输出 %s",
	"level %s":                             "级别 %s",
	"value %s":                             "值 %s",
	"at %s":                                "时间 %s",
	"seq %s":                               "seq %s",
	"(historical)":                         "(补传)",
	"ALARM":                                "报警",
	"TRIP":                                 "联锁跳车",
	"COMM LOST":                            "通讯中断",
	"COMM RESTORED":                        "通讯恢复",
	"FAULT":                                "故障",
	"SILENCED":                             "消音",
	"ACKNOWLEDGED":                         "确认",
	"RESET":                                "复位",
	"TRIP RESET":                           "联锁复位",
	"VALVE FAILED":                         "切断阀故障",
	"VALVE MOVED":                          "切断阀无指令动作",
	"BYPASS":                               "旁路",
	"BYPASS END":                           "旁路结束",
	"HH SWITCH DISAGREES":                  "高高液位开关不一致",
	"TEXT":                                 "文本",
	"[platform] %s status %s (at %s)":      "[平台] %s 状态 %s (时间 %s)",
	"[platform] invalid message on %s: %s": "[平台] 格式错误 主题 %s: %s",
	"(%s more invalid messages were not shown since the previous line)":              "(上一行之后另有 %s 条格式错误未显示)",
	"[platform] %s more invalid messages were not shown":                             "[平台] 另有 %s 条格式错误未显示",
	"[platform] no message from any gateway yet":                                     "[平台] 尚未收到任何网关的消息",
	"[platform] %s output lines were dropped because the terminal could not keep up": "[平台] 终端输出跟不上, 丢弃了 %s 行",

	// Validation errors.
	"not valid UTF-8":                                    "不是有效的 UTF-8",
	"unexpected data after the JSON value":               "JSON 值后面还有多余的数据",
	"not valid JSON: %s":                                 "不是有效的 JSON: %s",
	"not valid JSON: unexpected end of input":            "不是有效的 JSON: 数据不完整",
	"nested deeper than %s levels":                       "嵌套超过 %s 层",
	"duplicate key":                                      "键重复出现",
	"must be a JSON object":                              "必须是 JSON 对象",
	"unknown field":                                      "未知字段",
	"missing required field":                             "缺少必填字段",
	"must not be empty":                                  "不能为空",
	"must be a string":                                   "必须是字符串",
	"must be a boolean":                                  "必须是布尔值",
	"must be an integer":                                 "必须是整数",
	"must be an array":                                   "必须是数组",
	"integer out of range: %s":                           "整数超出范围: %s",
	"must be %s, got %s":                                 "必须是 %s, 实际是 %s",
	"must be one of %s, got %s":                          "必须是 %s 之一, 实际是 %s",
	"must be an RFC 3339 time with offset, got %s":       "必须是带时区偏移的 RFC 3339 时间, 实际是 %s",
	"%s does not match the topic's enterprise code %s":   "%s 与主题中的企业编码 %s 不一致",
	"%s does not match the topic's gateway id %s":        "%s 与主题中的网关 id %s 不一致",
	"published with QoS %s, the protocol requires QoS 1": "以 QoS %s 发布, 协议要求 QoS 1",
	"status message is not retained":                     "status 消息没有设置 retain (保留)",
	"heartbeat message is retained, the protocol sends it not retained": "heartbeat 消息设置了 retain (保留), 协议要求不保留",
	"must be at most total (%s), got %s":                                "不能大于 total (%s), 实际是 %s",
	"must be 0 or more, got %s":                                         "必须 ≥ 0, 实际是 %s",
	"empty payload":                                                     "消息体为空",
	"not a valid gzip body: %s":                                         "不是有效的 gzip 消息体: %s",
	"gzip body decompresses to more than %s bytes":                      "gzip 消息体解压后超过 %s 字节",
	"a gzip body is allowed on events, telemetry and bulk only":         "只有 events、telemetry 和 bulk 消息可以用 gzip 压缩",
	"must contain exactly 1 record on the bulk topic, got %s":           "bulk 主题的消息只能有 1 条记录, 实际是 %s 条",
	"must be at least part (%s), got %s":                                "不能小于 part (%s), 实际是 %s",
	"must be standard base64 with padding: %s":                          "必须是带填充的标准 base64: %s",
	"is %s, but data holds %s bytes":                                    "为 %s, 但 data 有 %s 字节",
	"must contain at least 1 record":                                    "至少要有 1 条记录",
	"seq %s already appears in records[%s]":                             "seq %s 已经在 records[%s] 中出现过",
	"must be 1 or more, got %s":                                         "必须 ≥ 1, 实际是 %s",
	"the %s topic carries kind %s, got %s":                              "%s 主题只能携带 kind %s, 实际是 %s",
	"must be a number, boolean, string or null":                         "必须是数值、布尔值、字符串或 null",
	"must be a number or null":                                          "必须是数值或 null",
	"must be null when quality is bad":                                  "quality 为 bad 时必须是 null",
	"must not be null when quality is %s":                               "quality 为 %s 时不能是 null",
	"must be empty for a contact (boolean value), got %s":               "开关量 (布尔值) 的 unit 必须为空, 实际是 %s",
	"must be empty for text (a string value), got %s":                   "文本点位 (字符串值) 的 unit 必须为空, 实际是 %s",
	"only allowed with cause exception, got cause %s":                   "只能与 cause exception 一起出现, 实际 cause 为 %s",
	"must be a Modbus exception code from 1 to 255, got %s":             "必须是 1 到 255 的 Modbus 异常码, 实际为 %s",
	"required when quality is %s":                                       "quality 为 %s 时必填",
	"required for event %s":                                             "%s 事件必填",
	"required when point_id is not empty":                               "point_id 不为空时必填",
	"must be absent or empty when point_id is empty":                    "point_id 为空时必须省略或为空",
	// Broker and connections.
	"[platform] client %s connected from %s": "[平台] 客户端 %s 已连接, 来自 %s",
	"[platform] warning: client %s uses MQTT protocol level %s, the uplink protocol requires MQTT 3.1.1 (level 4)":           "[平台] 警告: 客户端 %s 使用 MQTT 协议级别 %s, 上行协议要求 MQTT 3.1.1 (级别 4)",
	"[platform] warning: client %s connected without clean session, the uplink protocol requires clean session true":         "[平台] 警告: 客户端 %s 连接时没有设置 clean session, 上行协议要求 clean session 为 true",
	"[platform] warning: client %s set no will, the uplink protocol requires a retained offline status as will":              "[平台] 警告: 客户端 %s 没有设置遗嘱 (will), 上行协议要求以保留的 offline 状态消息作为遗嘱",
	"[platform] warning: client %s has will topic %s, which is not a status topic under %s":                                  "[平台] 警告: 客户端 %s 的遗嘱主题 %s 不是 %s 下的 status 主题",
	"[platform] warning: client %s has a will with retain %s and QoS %s, the uplink protocol requires retain true and QoS 1": "[平台] 警告: 客户端 %s 的遗嘱 retain 为 %s, QoS 为 %s, 上行协议要求 retain 为 true 且 QoS 1",
	"[platform] client %s disconnected":     "[平台] 客户端 %s 已断开",
	"[platform] client %s disconnected: %s": "[平台] 客户端 %s 已断开: %s",
	"the port is already in use, maybe by another broker. Pick another port with --port, e.g. --port 1884": "端口已被占用, 可能有另一个 broker 在运行。请用 --port 换一个端口, 例如 --port 1884",
	"permission denied: ports below 1024 need root. Pick another port with --port, e.g. --port 1884":       "权限不足: 1024 以下的端口需要 root 权限。请用 --port 换一个端口, 例如 --port 1884",
	"this machine has no such address. Check the host in --listen":                                         "本机没有这个地址。请检查 --listen 中的主机",
	"check the host in --listen":                      "请检查 --listen 中的主机",
	"pick another port with --port, e.g. --port 1884": "请用 --port 换一个端口, 例如 --port 1884",
	"[platform] MQTT broker listening on %s, topic prefix %s. Any client can connect and publish without authentication.":            "[平台] MQTT broker 正在监听 %s, 主题前缀 %s。不做认证, 任何客户端都可以连接并发布消息。",
	"[platform] press Ctrl+C to stop and print the summary":                                                                          "[平台] 按 Ctrl+C 停止并打印汇总",
	"[platform] warning: the broker accepts any client on %s without authentication. Use --allow-remote only on a trusted site LAN.": "[平台] 警告: broker 在 %s 上接受任何客户端, 不做认证。只在可信的现场局域网上使用 --allow-remote。",
	"platformsim: the MQTT broker cannot listen on %s: %s":                                                                           "platformsim: MQTT broker 无法在 %s 上监听: %s",
	"platformsim: cannot write the report: %s":                                                                                       "platformsim: 无法写入报告: %s",

	// Flags and help.
	"platformsim: %s": "platformsim: %s",
	"Run platformsim --help for the list of flags.":                  "运行 platformsim --help 查看所有参数。",
	"unexpected argument %s: platformsim takes only flags":           "多余的参数 %s: platformsim 只接受以 -- 开头的参数",
	"invalid --lang %s: use zh-CN or en":                             "--lang %s 无效: 请用 zh-CN 或 en",
	"invalid --listen %s: use HOST:PORT, for example 127.0.0.1:1883": "--listen %s 无效: 请用 主机:端口 的形式, 例如 127.0.0.1:1883",
	"invalid port %s: use a number from 0 to 65535":                  "端口 %s 无效: 请用 0 到 65535 之间的数字",
	"all interfaces": "所有网卡",
	"--listen host %s is not a loopback address (127.0.0.1 or ::1). Add --allow-remote to listen on a site LAN.": "--listen 的主机 %s 不是本机回环地址 (127.0.0.1 或 ::1)。要在现场局域网上监听, 请加 --allow-remote。",
	"invalid --topic-prefix %s: use one or more non-empty topic levels without + or #, for example plantgw":      "--topic-prefix %s 无效: 请用一个或多个非空的主题层级, 不能含 + 或 #, 例如 plantgw",
	"invalid --%s %s: use a duration such as 2s, 500ms or 1m, or 0":                                              "--%s %s 无效: 请用 2s、500ms、1m 这样的时长, 或 0",
	"unknown flag %s":            "未知参数 %s",
	"flag %s needs a value":      "参数 %s 需要一个值",
	"invalid flags: %s":          "参数无效: %s",
	"Usage: platformsim [flags]": "用法: platformsim [参数]",
	"platformsim is a local stand-in for the provincial monitoring platform. It runs an MQTT broker, checks every message a plantgw gateway sends against the uplink protocol (platform-json-v1) and counts records, alarms, seq gaps, duplicates and invalid messages.": "platformsim 是省级监测平台的本地替身。它运行一个 MQTT broker, 按上行协议 (platform-json-v1) 检查 plantgw 网关发来的每条消息, 并统计记录、报警、seq 缺号、重复和格式错误。",
	"The broker has no authentication and accepts every client. It is for demos and for checking a gateway on a laptop, not for production.":                                                                                                                             "broker 不做认证, 接受任何客户端。它用于演示和在笔记本上检查网关, 不能用于生产。",
	"Flags:": "参数:",
	"Exit status: 0 after a normal stop, 1 when the broker cannot listen or the report cannot be written, 2 for invalid flags.":                                             "退出码: 正常停止为 0, broker 无法监听或报告无法写入为 1, 参数无效为 2。",
	"TCP address of the MQTT broker (default 127.0.0.1:1883). Only a loopback address is accepted unless --allow-remote is given.":                                          "MQTT broker 的 TCP 地址 (默认 127.0.0.1:1883)。除非加了 --allow-remote, 只接受本机回环地址。",
	"listen on port N of the --listen host, which is 127.0.0.1 unless --listen names another. 0 picks a free port.":                                                         "在 --listen 主机 (默认 127.0.0.1) 的端口 N 上监听。0 表示自动选一个空闲端口。",
	"accept a --listen address that is not loopback, for checking a gateway on a site LAN. Any device on that network can then connect and publish without authentication.": "允许 --listen 使用非回环地址, 用于在现场局域网上检查网关。这时该网络上的任何设备都可以不经认证连接并发布消息。",
	"first topic level of the uplink topics, the gateway's uplink.mqtt.topic_prefix (default plantgw)":                                                                      "上行主题的前缀, 即网关配置中的 uplink.mqtt.topic_prefix (默认 plantgw)",
	"interval of the live summary lines, for example 2s or 1m (default 2s). 0 turns them off.":                                                                              "实时汇总的打印间隔, 例如 2s 或 1m (默认 2s)。0 表示不打印。",
	"stop after this time, for example 30s (default 0: run until Ctrl+C or SIGTERM)":                                                                                        "运行这么久后停止, 例如 30s (默认 0: 一直运行到 Ctrl+C 或 SIGTERM)",
	"on exit, write the final counts per gateway as JSON to FILE":                                                                                                           "退出时把每个网关的最终统计以 JSON 写入 FILE",
	"acknowledge the records of every valid message on the gateway's ack topic, for gateways with uplink.ack: platform":                                                     "在网关的 ack 主题上确认每条合格消息中的记录, 用于配置了 uplink.ack: platform 的网关",
	"[platform] acknowledging received records on each gateway's %s topic":                                                                                                  "[平台] 将在各网关的 %s 主题上确认收到的记录",
	"language of terminal output: zh-CN (default) or en":                                                                                                                    "终端输出的语言: zh-CN (默认) 或 en",
}
