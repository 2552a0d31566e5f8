package locale

// zhCNGwctlExport translates the buffer export and the Modbus reads and
// writes through the running gateway: the local API's replies, the
// gateway console's line for a write, and gwctl's buffer export, read and
// write through the API.
var zhCNGwctlExport = map[string]string{
	// Local API: export.
	"invalid %s time %q: give RFC 3339, such as 2026-12-05T08:00:00+08:00, or a date and time in the site's time zone, such as 2026-12-05 08:00": "%s 时间 %q 无效: 请写 RFC 3339 格式, 例如 2026-12-05T08:00:00+08:00, 或现场时区的日期和时间, 例如 2026-12-05 08:00",
	"invalid range from %s to %s: the end must be after the start":                                                                               "时间范围 %s 至 %s 无效: 结束时间必须晚于开始时间",
	"the range from %s to %s is longer than %d days; export it in several parts":                                                                 "时间范围 %s 至 %s 超过 %d 天; 请分几次导出",
	"%d exports are already running; try again when one ends":                                                                                    "已有 %d 个导出正在进行; 请等其中一个结束后再试",

	// Local API: Modbus.
	"invalid table %q: use coil, discrete, input or holding":                                                                              "寄存器表 %q 无效: 请使用 coil、discrete、input 或 holding",
	"invalid address %s: give the 0-based wire address, 0 to 65535":                                                                       "地址 %s 无效: 请给出从 0 开始的协议地址, 0 到 65535",
	"invalid count %s at address %s: one read takes 1 to %s values and ends at address 65535 at the latest":                               "地址 %[2]s 处的数量 %[1]s 无效: 一次读取 1 到 %[3]s 个值, 且最多读到地址 65535",
	"invalid value %s for a %s: a coil takes 0 or 1, a holding register 0 to 65535":                                                       "%[2]s 的值 %[1]s 无效: 线圈取 0 或 1, 保持寄存器取 0 到 65535",
	"invalid unit %d for bus %s: use %d to %d":                                                                                            "总线 %[2]s 上的站号 %[1]d 无效: 请使用 %[3]d 到 %[4]d",
	"no bus %q in the configuration; its buses are: %s":                                                                                   "配置中没有总线 %q; 已配置的总线: %s",
	"coil %d of unit %d is the command of valve %s, which a tripped interlock holds closed; reset the interlock before opening the valve": "站号 %[2]d 的线圈 %[1]d 是阀门 %[3]s 的命令, 该阀门正被已动作的联锁保持关闭; 请先复位联锁再开阀",
	"the bus already has its maximum of requests waiting; try again in a few seconds":                                                     "该总线等待中的请求已达上限; 请几秒后再试",
	"the bus gave no result in time, because its polls keep the line busy or the device is slow; read the value before you try again":     "总线未能及时给出结果, 可能是轮询占满了线路或设备响应慢; 请先读取该值再重试",
	"the bus is stopping with the gateway":                                                                                                "总线正随网关一起停止",
	"unit %d on bus %s: %v":                                                                                                               "总线 %[2]s 上的站号 %[1]d: %[3]v",

	// Gateway console.
	"MODBUS WR %s wrote %s to %s: %s": "Modbus写入 %[1]s 向 %[3]s 写入 %[2]s: %[4]s",

	// gwctl read and write through the local API.
	"Usage: gwctl read (--port PATH | --tcp HOST:PORT | --bus NAME) --unit N ADDRESS [flags]":                                                                                       "用法: gwctl read (--port 串口 | --tcp 主机:端口 | --bus 总线) --unit 站号 地址 [选项]",
	"Usage: gwctl write (--port PATH | --tcp HOST:PORT | --bus NAME) --unit N ADDRESS --value V [flags]":                                                                            "用法: gwctl write (--port 串口 | --tcp 主机:端口 | --bus 总线) --unit 站号 地址 --value 值 [选项]",
	"  --gateway ADDRESS  send the request through the local API of the gateway at this address, such as 192.168.100.1:8080; gwctl does so by itself when gatewayd has --port open": "  --gateway 地址     通过该地址上网关的本地 API 发送请求, 例如 192.168.100.1:8080; gatewayd 占用 --port 时 gwctl 会自动这样做",
	"  --bus NAME         the bus of the gateway's config to use, instead of --port or --tcp; implies the local API":                                                                "  --bus 总线         使用网关配置中的这条总线, 代替 --port 或 --tcp; 即经本地 API 发送",
	"Through the local API the gateway's bus runs the request between its polls, with the bus's own baud rate, parity and timeout,":                                                 "经本地 API 时, 由网关的总线在两次轮询之间执行请求, 使用该总线自己的波特率、校验位和超时,",
	"and needs an installer login (gwctl login). --baud, --parity, --stop-bits and --timeout then do not apply.":                                                                    "并需要以安装人员身份登录 (gwctl login)。此时 --baud、--parity、--stop-bits 和 --timeout 不起作用。",
	"  --gateway ADDRESS, --bus NAME: as for gwctl read; a write through the gateway's local API is stored as a modbus_write event with your account":                               "  --gateway、--bus: 与 gwctl read 相同; 经网关本地 API 的写入会连同您的账户存为 modbus_write 事件",
	"give --bus or the line (--port or --tcp), not both":                                                                                                                            "请给出 --bus 或线路 (--port 或 --tcp), 不要同时给出",
	"serial port %s is in use by gatewayd (PID %s), so the request goes through its local API at %s":                                                                                "串口 %s 正被 gatewayd (PID %s) 使用, 因此请求经其本地 API %s 发送",
	"the request goes through the local API at %s, on its bus %s":                                                                                                                   "请求经本地 API %s 在其总线 %s 上执行",
	"the gateway at %s has no bus %s; its buses are: %s. Name one with --bus NAME":                                                                                                  "%s 上的网关没有总线 %s; 其总线有: %s。请用 --bus 总线 指定一条",

	// gwctl buffer export.
	"Usage: gwctl buffer export --from TIME [--to TIME] [--points LIST] [--events] [--out FILE] [--excel] [--config FILE | --gateway ADDRESS]":                             "用法: gwctl buffer export --from 时间 [--to 时间] [--points 点位列表] [--events] [--out 文件] [--excel] [--config 配置文件 | --gateway 地址]",
	"Writes the samples that the gateway stored, or with --events its event log, as CSV: one row per record, point by point,":                                              "把网关存储的采样数据 (或用 --events 导出事件记录) 写成 CSV: 每条记录一行, 按点位依次输出,",
	"each point in time order. Times are in the site's time zone with its UTC offset. At most 31 days per export.":                                                         "每个点位内按时间排序。时间为现场时区并带 UTC 偏移。每次最多导出 31 天。",
	"While gatewayd runs, the export goes through its local API (a viewer login is enough). With --config and no gatewayd":                                                 "gatewayd 运行时经其本地 API 导出 (以查看人员身份登录即可)。给出 --config 且没有 gatewayd",
	"holding the buffer, gwctl opens the config's buffer itself; run it as the user that owns the buffer.":                                                                 "占用缓存时, gwctl 自行打开配置中的缓存; 请以缓存所属用户运行。",
	"  --from TIME        start, included: RFC 3339 such as 2026-12-05T08:00:00+08:00, or a date and time in the site's time zone, such as 2026-12-05 08:00 or 2026-12-05": "  --from 时间        开始时间 (含): RFC 3339 格式, 例如 2026-12-05T08:00:00+08:00, 或现场时区的日期和时间, 例如 2026-12-05 08:00 或 2026-12-05",
	"  --to TIME          end, excluded, in the same forms (default now)":                                                                                                  "  --to 时间          结束时间 (不含), 格式同上 (默认为现在)",
	"  --points LIST      the points, separated by commas (default every point of the config)":                                                                             "  --points 点位列表  用逗号分隔的点位 (默认为配置中的全部点位)",
	"  --events           export the event log instead: time, kind, point, device, level, value, operator, text and more; with --points, only the events of those points":  "  --events           改为导出事件记录: 时间、类型、点位、设备、级别、数值、操作人、说明等; 与 --points 同用时只导出这些点位的事件",
	"  --out FILE         write the CSV to FILE instead of standard output; FILE appears only once the export is complete":                                                 "  --out 文件         把 CSV 写入文件而不是标准输出; 导出完成后该文件才出现",
	"  --excel            for Microsoft Excel: UTF-8 with a byte order mark, CRLF line ends, and text that starts with = + - @ kept as text":                               "  --excel            适用于 Microsoft Excel: 带字节顺序标记 (BOM) 的 UTF-8、CRLF 换行, 以 = + - @ 开头的文本保持为文本",
	"  --config FILE      the gateway's config: its buffer when no gatewayd holds it, else the address of its local page":                                                  "  --config 配置文件  网关的配置: 没有 gatewayd 占用时直接读其缓存, 否则使用其本地页面的地址",
	"Progress goes to standard error: a bar on a terminal, else a line at every tenth of the points.":                                                                      "进度输出到标准错误: 终端上显示进度条, 否则每完成十分之一的点位输出一行。",
	"export stored samples or events as CSV, for Excel or an audit":                                                                                                        "把存储的采样数据或事件导出为 CSV, 供 Excel 或审计使用",
	"give the start with --from, such as --from 2026-12-05 or --from 2026-12-05T08:00:00+08:00":                                                                            "请用 --from 给出开始时间, 例如 --from 2026-12-05 或 --from 2026-12-05T08:00:00+08:00",
	"invalid %s %q: write RFC 3339, such as 2026-12-05T08:00:00+08:00, or a date and time in the site's time zone, such as 2026-12-05 08:00":                               "%s %q 无效: 请写 RFC 3339 格式, 例如 2026-12-05T08:00:00+08:00, 或现场时区的日期和时间, 例如 2026-12-05 08:00",
	"give --config or --gateway, not both: with --config gwctl finds the gateway's address in the config":                                                                  "请给出 --config 或 --gateway, 不要同时给出: 给出 --config 时 gwctl 从配置中找到网关的地址",
	"closing the buffer %s failed: %v":                                       "关闭缓存 %s 失败: %v",
	"buffer %s is in use by gatewayd; the export goes through its local API": "缓存 %s 正被 gatewayd 使用; 经其本地 API 导出",
	"buffer %s belongs to user %s; run gwctl as that user, such as sudo -u %s gwctl buffer export ..., so that the files the buffer adds stay that user's": "缓存 %s 属于用户 %s; 请以该用户运行 gwctl, 例如 sudo -u %s gwctl buffer export ..., 使缓存新增的文件仍归该用户所有",
	"buffer %s is not a directory; check buffer.path in the config":                                                                                        "缓存 %s 不是目录; 请检查配置中的 buffer.path",
	"no buffer at %s: gatewayd has stored nothing with this config yet, or buffer.path names another directory":                                            "%s 处没有缓存: gatewayd 尚未用此配置存储任何数据, 或 buffer.path 指向了其他目录",
	"cannot open the buffer %s: %v":                                                 "无法打开缓存 %s: %v",
	"cannot read the buffer %s: %v":                                                 "无法读取缓存 %s: %v",
	"no permission to open the buffer %s: %v; run gwctl as the user that owns it":   "没有权限打开缓存 %s: %v; 请以缓存所属用户运行 gwctl",
	"unknown site.timezone %q: %v":                                                  "未知的 site.timezone %q: %v",
	"no point %q in the config %s":                                                  "配置 %[2]s 中没有点位 %[1]q",
	"the export from the buffer failed: %v":                                         "从缓存导出失败: %v",
	"cannot write %s: %v":                                                           "无法写入 %s: %v",
	"export stopped by Ctrl-C after %d records; %s":                                 "导出 %d 条记录后被 Ctrl-C 中止; %s",
	"no file was written":                                                           "未写入文件",
	"the output is incomplete":                                                      "输出不完整",
	"the export from %s stopped after %d records: %v; the gateway's log says why":   "从 %s 导出 %d 条记录后中断: %v; 原因见网关日志",
	"the gateway at %s sent nothing for %v, so the export stopped after %d records": "%s 上的网关 %v 内未发送任何数据, 导出在 %d 条记录后停止",
	"progress: %d of %d points, %d records":                                         "进度: 已完成 %d/%d 个点位, %d 条记录",
	"progress: %d events":                                                           "进度: %d 条事件",
	"%d/%d points  %d records  %s":                                                  "%d/%d 个点位  %d 条记录  %s",
	"%d events":                                                                     "%d 条事件",
	"exported %d records of %d points to %s":                                        "已导出 %[2]d 个点位的 %[1]d 条记录到 %[3]s",
	"exported %d events to %s":                                                      "已导出 %d 条事件到 %s",
	"standard output":                                                               "标准输出",
}
