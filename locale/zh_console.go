package locale

// zhCNConsole translates the operator console's lines about start-up,
// interlocks and the platform link, gatewayd's command-line errors and
// the output of gatewayd --clear-latches.
var zhCNConsole = map[string]string{
	"TRIP      interlock %s tripped outputs %s, cause: %s":                                 "联锁动作  联锁 %s 使输出 %s 动作, 原因: %s",
	"TRIP RST  interlock %s reset, outputs %s":                                             "联锁复位  联锁 %s 已复位, 输出 %s",
	"SAFE      all outputs de-energised (safe state) until every point has been read once": "安全状态  所有输出保持失电 (安全状态), 直到每个点位都读到一次数据",
	"KEPT      %s %s still latched from before the start; reset locally to clear":          "保持锁存  %s %s 为启动前锁存的报警, 需现场复位才能解除",
	"KEPT      interlock %s still tripped from before the start; reset locally to clear":   "保持联锁  联锁 %s 为启动前的动作状态, 需现场复位才能解除",
	"RESET     %d alarms or trips not reset: still past the set point or in fault":         "复位未完成  %d 个报警或联锁未复位: 测量值仍超过设定值或处于故障",
	"PLATFORM  connected to %s": "平台连接  已连接 %s",
	"PLATFORM  not connected to %s; records are kept on disk and sent when it returns": "平台连接  未连接 %s; 数据保存在本地, 恢复后补传",
	// gatewayd command line.
	"unknown option %s":        "未知选项 %s",
	"option %s needs a value":  "选项 %s 需要一个值",
	"invalid command line: %v": "命令行无效: %v",
	"config file %s does not exist; give its path with --config": "配置文件 %s 不存在; 请用 --config 给出配置文件路径",
	"WRITE     device %s did not confirm a command: %s":          "写入失败  设备 %s 未确认命令: %s",
	// gatewayd --clear-latches.
	"cleared latched alarm %s %s":                                                                                                           "已清除锁存报警 %s %s",
	"cleared tripped interlock %s (outputs %s)":                                                                                             "已清除联锁动作状态: 联锁 %s (输出 %s)",
	"cleared latch %s, which the config no longer has; no reset event stored":                                                               "已清除 %s 的锁存, 当前配置中已没有该项; 未记录复位事件",
	"buffer %s contains no latched alarms or trips; nothing was changed":                                                                    "缓存 %s 中没有锁存的报警或联锁; 未做任何改动",
	"the saved latches in buffer %s were unreadable and have been removed; no reset events were stored":                                     "缓存 %s 中保存的锁存状态无法读取, 已删除; 未记录复位事件",
	"cleared %d latched alarms and %d tripped interlocks; %d reset events stored in buffer %s go to the platform at the next upload":        "已清除 %d 个锁存报警和 %d 个联锁动作状态; %d 条复位事件已存入缓存 %s, 下次上传时发送到平台",
	"At the next start every alarm is evaluated fresh: an alarm whose condition is still met latches again and trips its interlocks again.": "下次启动时重新判断所有报警: 报警条件仍然存在的, 会再次锁存, 相应联锁会再次动作。",
	"buffer %s is locked by a running gatewayd; stop gatewayd, then run --clear-latches again":                                              "缓存 %s 正被运行中的 gatewayd 锁定; 请先停止 gatewayd, 再运行 --clear-latches",
	"buffer %s does not exist; check buffer.path in config %s":                                                                              "缓存 %s 不存在; 请检查配置 %s 中的 buffer.path",
	"clearing latches failed: %v":                                                                                                           "清除锁存失败: %v",
	"--clear-latches cannot be combined with --check, --print-plan or --console":                                                            "--clear-latches 不能与 --check、--print-plan 或 --console 同时使用",
	"  --clear-latches   with gatewayd stopped: clear the latched alarms and trips kept in the buffer and exit":                             "  --clear-latches   在 gatewayd 停止时使用: 清除缓存中保存的锁存报警和联锁动作状态, 然后退出",
	"ACK       %s %s acknowledged by %s":                                                                                                    "确认      %s %s 已由 %s 确认",
	"BYPASS    %s bypassed by %s: %s":                                                                                                       "旁路      %s 已由 %s 旁路: %s",
	"BYPASS END %s votes in its interlocks again":                                                                                           "旁路结束  %s 重新参与联锁表决",
	"VALVE     %s did not reach its closed limit in time; check the actuator and the limit switch":                                          "切断阀    %s 未在规定时间内到达关限位; 请检查执行机构和限位开关",
	"VALVE     %s moved without a command: %s":                                                                                              "切断阀    %s 在没有指令时动作: %s",
	"HH SWITCH disagrees with %s: %s":                                                                                                       "高高液位开关 与 %s 不一致: %s",
	"HH SWITCH agrees with %s again":                                                                                                        "高高液位开关 与 %s 恢复一致",
	"board profile %s: %v":                                                                                                                  "板卡配置 %s: %v",
	"%s: board profile %s has no output %q; it has %v":                                                                                      "%s: 板卡配置 %s 没有输出 %q; 它的输出为 %v",
}
