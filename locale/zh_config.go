package locale

// zhCNConfig translates the config messages that carry a hint: YAML syntax
// errors, keyed by the text config/syntax.go gives for the parser's
// message, and the Modbus TCP address.
var zhCNConfig = map[string]string{
	"YAML syntax error: a tab character is used for indentation; indent with spaces, not tabs":                                                                                            "YAML 语法错误: 缩进中使用了制表符 (Tab); 请用空格缩进, 不要用 Tab",
	`YAML syntax error: the value in double quotes that starts here has no closing "; add it at the end of the value`:                                                                     `YAML 语法错误: 从这里开始的双引号值缺少结尾的 "; 请在值的末尾补上`,
	"YAML syntax error: the value in single quotes that starts here has no closing '; add it at the end of the value":                                                                     "YAML 语法错误: 从这里开始的单引号值缺少结尾的 '; 请在值的末尾补上",
	"YAML syntax error: this line is not a key and value; write a colon and a space after the key, such as gateway_id: gw-01":                                                             "YAML 语法错误: 这一行不是 \"键: 值\" 的格式; 请在键后写英文冒号和一个空格, 例如 gateway_id: gw-01",
	`YAML syntax error: unexpected ": " on this line or the next; put a value that contains ": " in quotes, and indent the keys of one block by the same number of spaces`:                `YAML 语法错误: 本行或下一行出现了多余的 ": "; 含有 ": " 的值请加引号, 同一层的键请用相同数量的空格缩进`,
	"YAML syntax error: unexpected text after the value, or wrong indentation; a quoted value must end its line, and the keys of one block must be indented by the same number of spaces": "YAML 语法错误: 值后面有多余的内容, 或缩进不对; 带引号的值后面不能再写内容, 同一层的键须用相同数量的空格缩进",
	"YAML syntax error: a mapping in { } on this line or above is not closed or lacks a comma; separate its entries with commas and end it with }":                                        "YAML 语法错误: 本行或上面几行中 { } 里的映射没有闭合或缺少逗号; 各项之间用英文逗号分隔, 并用 } 结束",
	"YAML syntax error: a list in [ ] on this line or above is not closed or lacks a comma; separate its items with commas and end it with ]":                                             "YAML 语法错误: 本行或上面几行中 [ ] 里的列表没有闭合或缺少逗号; 各项之间用英文逗号分隔, 并用 ] 结束",
	"YAML syntax error: key %q appears twice in this block (first at line %d); remove one of them":                                                                                        "YAML 语法错误: 键 %q 在同一层中出现了两次 (首次出现在第 %d 行); 请删除其中一个",
	"YAML syntax error: a value cannot start with %s; put the value in quotes":                                                                                                            "YAML 语法错误: 值不能以 %s 开头; 请给这个值加上引号",
	"%s: %q is not a valid address; write HOST:PORT, such as 192.0.2.10:502":                                                                                                              "%s: %q 不是有效的地址; 需要 主机:端口, 例如 192.0.2.10:502",
	"%s: only the sim profile reads an input file; remove it or use profile: sim":                                                                                                         "%s: 只有 sim 板卡读取输入文件; 请删除此项或使用 profile: sim",
	"%s: %v is not a whole number of seconds":                                            "%s: %v 不是整数秒",
	"%s: oel and idlh must not be negative":                                              "%s: oel 和 idlh 不得为负数",
	"%s: toxic gas level 1 must be at most 100 %% of OEL (%v), got %v (GB/T 50493-2019)": "%s: 有毒气体一级报警值不得高于 100 %% OEL (%v), 实际为 %v (GB/T 50493-2019)",
	"%s: toxic gas level 2 must be at most 200 %% of OEL (%v), got %v (GB/T 50493-2019)": "%s: 有毒气体二级报警值不得高于 200 %% OEL (%v), 实际为 %v (GB/T 50493-2019)",
	"%s: toxic gas level 1 must be at most 5 %% of IDLH (%v), got %v (GB/T 50493-2019)":  "%s: 有毒气体一级报警值不得高于 5 %% IDLH (%v), 实际为 %v (GB/T 50493-2019)",
	"%s: toxic gas level 2 must be at most 10 %% of IDLH (%v), got %v (GB/T 50493-2019)": "%s: 有毒气体二级报警值不得高于 10 %% IDLH (%v), 实际为 %v (GB/T 50493-2019)",
	"%s: give output (the solenoid) or command (a coil point), or both":                  "%s: 请填写 output (电磁阀输出) 或 command (线圈点位), 或两者都填",
	"%s: point %q is %s; a valve or switch contact must be bool":                         "%s: 点位 %q 的类型为 %s; 阀门或开关的触点必须是 bool",
	"%s: point %q is in table %s; a command must be a coil":                              "%s: 点位 %q 在 %s 表中; 指令必须是线圈 (coil)",
	"%s: give exactly one of output or valve":                                            "%s: output 和 valve 必须且只能填写一个",
	"%s: no valve named %q":                     "%s: 没有名为 %q 的阀门",
	"%s: give exactly one of point or contacts": "%s: point 和 contacts 必须且只能填写一个",
	"%s: point %q is %s; the level point must be numeric (0 none, 1 yellow, 2 orange, 3 red)": "%s: 点位 %q 的类型为 %s; 雷电预警等级点位必须是数值 (0 无, 1 黄色, 2 橙色, 3 红色)",
}
