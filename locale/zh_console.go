package locale

// zhCNConsole translates the operator console's lines about start-up,
// interlocks and the platform link, and gatewayd's command-line errors.
var zhCNConsole = map[string]string{
	"TRIP      interlock %s tripped outputs %s, cause: %s":                                 "联锁动作  联锁 %s 使输出 %s 动作, 原因: %s",
	"TRIP RST  interlock %s reset, outputs %s":                                             "联锁复位  联锁 %s 已复位, 输出 %s",
	"SAFE      all outputs de-energised (safe state) until every point has been read once": "安全状态  所有输出保持失电 (安全状态), 直到每个点位都读到一次数据",
	"KEPT      %s %s still latched from before the start; reset locally to clear":          "保持锁存  %s %s 为启动前锁存的报警, 需现场复位才能解除",
	"KEPT      interlock %s still tripped from before the start; reset locally to clear":   "保持联锁  联锁 %s 为启动前的动作状态, 需现场复位才能解除",
	"PLATFORM  connected to %s":                                                            "平台连接  已连接 %s",
	"PLATFORM  not connected to %s; records are kept on disk and sent when it returns":     "平台连接  未连接 %s; 数据保存在本地, 恢复后补传",
	// gatewayd command line.
	"unknown option %s":        "未知选项 %s",
	"option %s needs a value":  "选项 %s 需要一个值",
	"invalid command line: %v": "命令行无效: %v",
	"config file %s does not exist; give its path with --config": "配置文件 %s 不存在; 请用 --config 给出配置文件路径",
	"WRITE     device %s did not confirm a command: %s":          "写入失败  设备 %s 未确认命令: %s",
}
