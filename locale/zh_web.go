package locale

// zhCNWeb translates the local API's replies (login, accounts, operator
// actions, history, the live stream) and the checks of the web config.
var zhCNWeb = map[string]string{
	"log in first": "请先登录",
	"account %s has the %s role; this needs the %s role":                        "账户 %s 的角色为%s; 此操作需要%s账户",
	"request from another site rejected":                                        "已拒绝来自其他网站的请求",
	"invalid request: %v":                                                       "请求无效: %v",
	"wrong account name or password":                                            "账户名或密码错误",
	"too many failed logins; try again in %d s":                                 "登录失败次数过多; 请 %d 秒后再试",
	"setup is done; log in with an account":                                     "初始设置已完成; 请用账户登录",
	"wrong setup token; find it in the gateway's log or with gwctl setup-token": "安装令牌错误; 请在网关日志中查找, 或运行 gwctl setup-token",
	"password too weak: use at least %d characters, not the account name":       "密码强度不足: 至少 %d 个字符, 且不能与账户名相同",
	"account %q exists":                                                         "账户 %q 已存在",
	"invalid account name %q: use 1-32 letters, digits, _ . -":                  "账户名 %q 无效: 请使用 1-32 个字母、数字或 _ . -",
	"no account %q": "没有账户 %q",
	"the last installer account cannot be removed":                       "不能删除最后一个安装人员账户",
	"unknown role %q: use viewer, operator or installer":                 "未知角色 %q: 请使用 viewer (查看)、operator (操作员) 或 installer (安装人员)",
	"no alarm point %q; gwctl status or the local page lists the points": "没有报警点位 %q; gwctl status 或本地页面列出所有点位",
	"%q votes in no interlock, so a bypass would change nothing":         "%q 不参与任何联锁表决, 旁路不会改变任何东西",
	"%q is not bypassed":      "%q 没有被旁路",
	"a bypass needs a reason": "旁路必须填写原因",
	"bypass duration %q: give 1s to 8h, for example 2h or 30m": "旁路时长 %q 无效: 应为 1s 到 8h, 例如 2h 或 30m",
	"internal error; see the gateway's log":                    "内部错误; 请查看网关日志",

	"invalid hours %q: give a whole number from 1 to %d":                         "小时数 %q 无效: 应为 1 到 %d 的整数",
	"invalid limit %q: give a whole number from 1 to %d":                         "条数 %q 无效: 应为 1 到 %d 的整数",
	"no point %q in the configuration":                                           "配置中没有点位 %q",
	"%d pages already follow the live values; close one and reload this page":    "已有 %d 个页面在接收实时数据; 请关闭其中一个后刷新本页",
	"%s: use at least %d characters and no spaces, such as 32 random hex digits": "%s: 至少 %d 个字符且不含空格, 例如 32 位随机十六进制数",

	"no output %q on this gateway's board; its outputs are: %s":                         "本网关的板卡上没有输出 %q; 板卡的输出为: %s",
	"invalid seconds %d: give a whole number from %d to %d":                             "秒数 %d 无效: 应为 %d 到 %d 的整数",
	"output %s is under test by %s for another %d s; start the next test after it ends": "输出 %s 正由 %s 测试, 还剩 %d 秒; 请在测试结束后再开始下一项测试",
	"the gateway is stopping and accepts no output test":                                "网关正在停止, 不再接受输出测试",
	"web.listen: %q serves the local page on every interface, the plant network included; write the address of the maintenance interface, such as 192.168.100.1:8080": "web.listen: %q 会在所有网口上提供本地页面, 包括工厂网络; 请填写维护网口的地址, 例如 192.168.100.1:8080",
}
